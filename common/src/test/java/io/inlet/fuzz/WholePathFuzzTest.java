package io.inlet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inlet.source.ObjectRef;
import java.util.List;

/**
 * Hostile files through the whole file path — reader, mapper, EventStore.append, outbox, ledger —
 * against the real PostgreSQL, for CSV, JSON Lines and JSON array feeds with typed fields and each
 * id strategy. The first input byte picks the mode:
 * <ul>
 *   <li>structured: records built field by field from {@link Hostile} classes ({@link FuzzCase}); every
 *       record is exactly one event or one rejected record, a stored value is the written one, a record
 *       without a hostile value is never rejected;</li>
 *   <li>raw: any bytes as the file; no exception escapes, the file ends COMPLETED or REJECTED, and
 *       events and rejected records account for every record the ledger read.</li>
 * </ul>
 * One test in one JVM for both modes, so the build starts one database for it. See docs/fuzzing.md.
 */
public class WholePathFuzzTest {

    static final int STRUCTURED = 0;
    static final int RAW = 1;

    @FuzzTest(maxDuration = "10s")
    void hostileFilesKeepThePromise(byte[] input) {
        Findings.report("WholePathFuzzTest", input, run(input));
    }

    /** The entry point of Jazzer's command line driver: the long mode (docs/fuzzing.md). */
    public static void fuzzerTestOneInput(byte[] input) {
        new WholePathFuzzTest().hostileFilesKeepThePromise(input);
    }

    /** Ingests the file the input describes and checks the promise on what PostgreSQL holds. */
    static List<Violation> run(byte[] input) {
        ByteChoices in = new ByteChoices(input);
        if (in.pick(2) == STRUCTURED) {
            FuzzCase c = FuzzCase.decode(in);
            FuzzFile file = FuzzFile.of(c);
            String key = FuzzFeeds.key(c.format(), c.idKind(), c.lanes());
            ObjectRef ref = WholePathRig.ref(key, file.bytes());
            return PromiseCheck.records(file, FuzzFeeds.feedName(c.format(), c.idKind(), c.lanes()), ref,
                    WholePathRig.get().ingest(key, file.bytes()));
        }
        FuzzFeeds.Format format = FuzzFeeds.Format.ALL[in.pick(FuzzFeeds.Format.ALL.length)];
        FuzzFeeds.IdKind id = FuzzFeeds.IdKind.ALL[in.pick(FuzzFeeds.IdKind.ALL.length)];
        boolean lanes = in.pick(2) == 1;
        return PromiseCheck.file(WholePathRig.get().ingest(FuzzFeeds.key(format, id, lanes), in.rest()));
    }
}
