package io.inlet.cli;

import io.inlet.verify.InvariantChecks;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Run the invariant checks (common/src/main/resources/verify/*.sql); each must return no rows.",
                "Exits 1 when any check returns rows, and prints them."})
final class VerifyCommand extends CliCommand {

    @Option(names = "--lag-budget", paramLabel = "MINUTES", defaultValue = "15", description = "Outbox lag budget (default: ${DEFAULT-VALUE}).")
    long lagMinutes;

    @Option(names = "--stuck-after", paramLabel = "MINUTES", defaultValue = "30", description = "An expired lease older than this is a stuck file (default: ${DEFAULT-VALUE}).")
    long stuckMinutes;

    @Override
    int run(CliContext ctx) {
        AutoMigrate.ifEmbedded(ctx);
        io.inlet.feed.FeedRegistry feeds = ctx.feedsIfPresent().orElse(null);
        if (feeds == null) {
            ctx.err.println("inlet verify: no feeds file (" + ctx.feedsLocation() + "): the per-feed derived-event check (07) is skipped");
        }
        return print(ctx, new InvariantChecks(ctx.dataSource(), feeds, new InvariantChecks.Budgets(
                Duration.ofMinutes(stuckMinutes), Duration.ofMinutes(lagMinutes), Duration.ofDays(7))).run());
    }

    static int print(CliContext ctx, List<InvariantChecks.Result> results) {
        int broken = 0;
        for (InvariantChecks.Result r : results) {
            ctx.out.printf("%-4s %-42s %s%n", r.holds() ? "ok" : "FAIL", r.check(), r.scope());
            if (!r.holds()) {
                broken++;
                ctx.out.println("     " + r.description());
                r.violations().stream().limit(10).forEach(v -> ctx.out.println("     " + TerminalText.escape(String.valueOf(v))));
            }
        }
        ctx.out.println(broken == 0 ? "all invariants hold" : broken + " check(s) found violations");
        return broken == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
