package io.inlet.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Replays fuzz inputs (seed or crash files) through the whole path and prints each violation, or
 * "ok": {@code java -cp ... io.inlet.fuzz.WholePathReplay structured|bytes FILE...} (docs/fuzzing.md).
 */
final class WholePathReplay {

    private WholePathReplay() {
    }

    public static void main(String[] args) throws IOException {
        boolean structured = args[0].equals("structured");
        int failed = 0;
        for (int i = 1; i < args.length; i++) {
            byte[] input = Files.readAllBytes(Path.of(args[i]));
            List<Violation> violations = structured ? structured(input) : bytes(input);
            System.out.println(Path.of(args[i]).getFileName() + ": " + (violations.isEmpty() ? "ok" : ""));
            for (Violation v : violations) System.out.println("    " + v);
            if (!violations.isEmpty()) failed++;
        }
        System.out.println(failed + " of " + (args.length - 1) + " inputs break the promise");
        System.exit(0);
    }

    static List<Violation> structured(byte[] input) {
        FuzzCase c = FuzzCase.decode(new ByteChoices(input));
        FuzzFile file = FuzzFile.of(c);
        String key = FuzzFeeds.key(c.format(), c.idKind(), c.lanes());
        return PromiseCheck.records(file, FuzzFeeds.feedName(c.format(), c.idKind(), c.lanes()),
                WholePathRig.ref(key, file.bytes()), WholePathRig.get().ingest(key, file.bytes()));
    }

    static List<Violation> bytes(byte[] input) {
        ByteChoices in = new ByteChoices(input);
        FuzzFeeds.Format format = FuzzFeeds.Format.ALL[in.pick(FuzzFeeds.Format.ALL.length)];
        FuzzFeeds.IdKind id = FuzzFeeds.IdKind.ALL[in.pick(FuzzFeeds.IdKind.ALL.length)];
        boolean lanes = in.pick(2) == 1;
        return PromiseCheck.file(WholePathRig.get().ingest(FuzzFeeds.key(format, id, lanes), in.rest()));
    }
}
