package io.inlet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inlet.source.ObjectRef;

/**
 * Structured hostile files through the whole file path — reader, mapper, EventStore.append, the
 * ledger — against the real PostgreSQL, for CSV, JSON Lines and JSON array feeds with typed fields
 * and each id strategy: every record is exactly one event or one rejected record, a stored value is
 * the written one, and the file ends COMPLETED or REJECTED. See docs/fuzzing.md.
 */
class WholePathFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void hostileRecordsEachBecomeOneEventOrOneRejection(byte[] input) {
        FuzzCase c = FuzzCase.decode(new ByteChoices(input));
        FuzzFile file = FuzzFile.of(c);
        String feed = FuzzFeeds.feedName(c.format(), c.idKind(), c.lanes());
        String key = FuzzFeeds.key(c.format(), c.idKind(), c.lanes());
        ObjectRef ref = WholePathRig.ref(key, file.bytes());
        WholePathRig.Result result = WholePathRig.get().ingest(key, file.bytes());
        Findings.report("WholePathFuzzTest", input, PromiseCheck.records(file, feed, ref, result));
    }
}
