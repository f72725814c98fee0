package io.inlet.cli;

import java.time.Instant;
import picocli.CommandLine.Option;

/** The options of a command over a bucket ({@code ingest s3://...}, {@code sweep}): the window and the endpoint. */
final class BucketOptions {

    @Option(names = "--since", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Bucket objects last modified at or after TIME (ISO instant, date, or an age: 36h, 7d).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Bucket objects last modified before TIME.")
    Instant until;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Storage endpoint for an emulator or S3-compatible store (default: INLET_S3_ENDPOINT / "
                    + "STORAGE_EMULATOR_HOST, else the cloud's).")
    String endpoint;

    io.inlet.sweep.Sweep.Window window() {
        try {
            return new io.inlet.sweep.Sweep.Window(since, until);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--since " + since + " is not before --until " + until);
        }
    }
}
