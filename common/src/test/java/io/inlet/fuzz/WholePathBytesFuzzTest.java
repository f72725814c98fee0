package io.inlet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes as a file of any fuzz feed (the first byte picks the feed), through the whole file
 * path against the real PostgreSQL: no exception escapes, the file ends COMPLETED or REJECTED, and
 * events + rejected records account for every record the ledger read. See docs/fuzzing.md.
 */
class WholePathBytesFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void anyBytesEndCompletedOrRejectedWithEveryRecordAccountedFor(byte[] input) {
        ByteChoices in = new ByteChoices(input);
        FuzzFeeds.Format format = FuzzFeeds.Format.ALL[in.pick(FuzzFeeds.Format.ALL.length)];
        FuzzFeeds.IdKind id = FuzzFeeds.IdKind.ALL[in.pick(FuzzFeeds.IdKind.ALL.length)];
        boolean lanes = in.pick(2) == 1;
        byte[] bytes = in.rest();
        WholePathRig.Result result = WholePathRig.get().ingest(FuzzFeeds.key(format, id, lanes), bytes);
        Findings.report("WholePathBytesFuzzTest", input, PromiseCheck.file(result));
    }
}
