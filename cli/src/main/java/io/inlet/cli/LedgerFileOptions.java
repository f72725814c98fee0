package io.inlet.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The one ledger file a command acts on ({@code reprocess}, {@code unlock}): by id, local path or bucket URL. */
final class LedgerFileOptions {

    @Parameters(paramLabel = "FILE", description = "Ledger file id, local path (relative to --root), s3://bucket/key[?versionId=V] or gs://bucket/key[#generation].")
    String target;

    @Option(names = "--root", paramLabel = "DIR", description = "Directory local keys are relative to (default: current directory).")
    Path root;

    @Option(names = "--bucket", description = "Bucket a local path stands for (default: the feeds' bucket, when they name only one).")
    String bucket;

    /** The file's ledger entry, and where its bytes are read from ({@code from}: null for the default). */
    LedgerTargets.Target resolve(CliContext ctx, LedgerTargets.From from) throws Exception {
        return LedgerTargets.resolve(target, ctx.dataSource(), ctx::feeds, root, bucket, from);
    }
}
