package io.inlet.cli;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.outbox.RelayReport;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Publish pending outbox rows locally, as JSON lines (destination, attributes, CloudEvent).")
final class RelayCommand extends CliCommand {

    @Option(names = "--once", description = "Drain what is due now and exit (default: keep polling).")
    boolean once;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Append to this JSON Lines file instead of stdout.")
    Path output;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "Polling interval (default: ${DEFAULT-VALUE}).")
    int interval;

    @Override
    int run(CliContext ctx) throws Exception {
        AutoMigrate.ifEmbedded(ctx);
        Inlet inlet = ctx.inlet();
        try (PrintStream sink = output == null ? null
                : new PrintStream(new FileOutputStream(output.toFile(), true), true, StandardCharsets.UTF_8)) {
            JsonLinesPublisher publisher = new JsonLinesPublisher(sink == null ? ctx.out : sink);
            long total = 0;
            do {
                RelayReport r = inlet.relay(publisher, Deadline.none());
                total += r.published();
                if (sink != null || once) {
                    ctx.err.println("relay: published " + r.published() + ", failed " + r.failed() + ", pending " + r.pending());
                }
                if (!once) Thread.sleep(interval * 1000L);
            } while (!once);
            return total >= 0 ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }
}
