package io.inlet.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.SchemaCatalog;
import io.inlet.failure.Deadline;
import io.inlet.read.AsVersions;
import io.inlet.read.Subscription;
import io.inlet.read.SubscriptionReport;
import io.inlet.read.SubscriptionRunner;
import io.inlet.read.SubscriptionStart;
import io.inlet.read.SubscriptionStatus;
import io.inlet.read.Subscriptions;
import io.inlet.store.Transactions;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlet subscription add | list | status | remove | run}: catch-up subscriptions that feed a
 * destination from the event log (history first, then new events), run by the relay functions.
 */
@Command(name = "subscription", mixinStandardHelpOptions = true,
        description = "Catch-up subscriptions: backfill a destination from history, then keep it fed (run by the relay function).",
        subcommands = {SubscriptionCommand.Add.class, SubscriptionCommand.ListCommand.class, SubscriptionCommand.Status.class,
                SubscriptionCommand.Remove.class, SubscriptionCommand.Run.class})
final class SubscriptionCommand {

    private static final Subscriptions SUBSCRIPTIONS = new Subscriptions();

    static ObjectNode json(Subscription s) {
        ObjectNode n = OutboxCommand.jsonObject();
        n.put("name", s.name());
        n.put("destination", s.destination());
        n.set("types", OutboxCommand.toJson(s.types()));
        n.put("from", s.startFrom());
        ObjectNode versions = n.putObject("schemaVersions");
        s.asVersions().versions().forEach(versions::put);
        n.put("start", s.start().toString());
        n.put("checkpoint", s.checkpoint().toString());
        n.put("delivered", s.delivered());
        n.put("createdAt", String.valueOf(s.createdAt()));
        if (s.lastRunAt() != null) n.put("lastRunAt", s.lastRunAt().toString());
        if (s.caughtUpAt() != null) n.put("caughtUpAt", s.caughtUpAt().toString());
        if (s.lastError() != null) n.put("lastError", s.lastError());
        return n;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a subscription: from the start given, every event (of the types given) goes to the destination, "
                    + "each stream in version order, as CloudEvents whose id is the event id.")
    static final class Add extends CliCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Lower-case letters, digits, '_', '.', '-'.")
        String name;

        @Option(names = "--destination", required = true, paramLabel = "D",
                description = "Logical destination: a name of INLET_DESTINATIONS (an SQS queue or a Pub/Sub topic) for the relay "
                        + "functions; `inlet subscription run` writes it to a JSON lines file.")
        String destination;

        @Option(names = "--from", required = true, paramLabel = "START",
                description = "beginning | POSITION (events at or after it) | TIME (recorded at or after it: 2026-11-20T06:00:00Z, "
                        + "2026-11-20, or an age: 36h, 7d) | TX:POSITION (after a checkpoint `inlet read` printed).")
        String from;

        @Option(names = "--types", split = ",", paramLabel = "TYPE", description = "Only these event types (default: all).")
        List<String> types = List.of();

        @Option(names = "--schema-version", paramLabel = "TYPE=N[,TYPE=N...]",
                description = "Deliver events of TYPE at schema version N, upcast from their stored version by the feeds file's "
                        + "upcasters (repeatable). An event that cannot be (stored newer, or does not upcast) stops the "
                        + "subscription there: FAILING, never skipped.")
        List<String> schemaVersions = List.of();

        @Option(names = "--json", description = "Print the subscription as JSON.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            AsVersions versions;
            try {
                versions = AsVersions.parse(schemaVersions);
                if (!versions.isEmpty()) versions.checkDeclared(ctx.feeds().schemaCatalog());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--schema-version " + e.getMessage());
            }
            SubscriptionStart start;
            try {
                // an age (36h, 7d) is a time that long ago, as elsewhere in the CLI
                start = from.matches("\\d{1,9}[smhd]") ? new SubscriptionStart.AtTime(new TimeArgument().convert(from))
                        : SubscriptionStart.parse(from);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--from: " + e.getMessage());
            }
            OutboxCommand.migrateIfEmbedded(ctx);
            Subscription s;
            try {
                s = new Transactions(ctx.dataSource()).inTransaction(c -> SUBSCRIPTIONS.add(c,
                        new Subscriptions.AddRequest(name, destination, start, List.copyOf(new LinkedHashSet<>(types)), versions)));
            } catch (Subscriptions.SubscriptionException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            if (json) OutboxCommand.printJson(ctx, json(s));
            else ctx.out.println("subscription " + s.name() + " added: " + s.destination() + " from " + s.startFrom()
                    + " (starts after " + s.start() + ")" + (versions.isEmpty() ? "" : " at " + versions)
                    + "; the relay delivers it from its next run");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The subscriptions and their checkpoints.")
    static final class ListCommand extends CliCommand {

        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            OutboxCommand.migrateIfEmbedded(ctx);
            List<Subscription> all = new Transactions(ctx.dataSource()).inTransaction(SUBSCRIPTIONS::list).stream()
                    .sorted(java.util.Comparator.comparing(Subscription::name)).toList();
            if (json) {
                ObjectNode doc = OutboxCommand.jsonObject();
                ArrayNode rows = doc.putArray("subscriptions");
                all.forEach(s -> rows.add(json(s)));
                OutboxCommand.printJson(ctx, doc);
                return ExitCodes.OK;
            }
            if (all.isEmpty()) ctx.out.println("no subscriptions");
            for (Subscription s : all) {
                ctx.out.printf("%-24s -> %-20s from %-28s checkpoint %-16s delivered %d%s%n", s.name(), s.destination(),
                        s.startFrom(), s.checkpoint(), s.delivered(), s.types().isEmpty() ? "" : " types " + String.join(",", s.types()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "State (BACKFILLING, LIVE, FAILING) and lag of each subscription. Exit 1 when one is failing.")
    static final class Status extends CliCommand {

        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            OutboxCommand.migrateIfEmbedded(ctx);
            List<SubscriptionStatus> all = new Transactions(ctx.dataSource()).inTransaction(SUBSCRIPTIONS::status);
            boolean failing = all.stream().anyMatch(s -> s.state() == SubscriptionStatus.State.FAILING);
            if (json) {
                ObjectNode doc = OutboxCommand.jsonObject();
                ArrayNode rows = doc.putArray("subscriptions");
                for (SubscriptionStatus st : all) {
                    ObjectNode n = json(st.subscription());
                    n.put("state", st.state().name());
                    n.put("behind", st.behind());
                    n.put("behindCapped", st.behindCapped());
                    n.put("oldestUnreadAgeSeconds", st.oldestUnreadAgeSeconds());
                    rows.add(n);
                }
                OutboxCommand.printJson(ctx, doc);
            } else {
                if (all.isEmpty()) ctx.out.println("no subscriptions");
                for (SubscriptionStatus st : all) {
                    Subscription s = st.subscription();
                    ctx.out.printf("%-24s %-11s behind %s%s (oldest unread %d s), delivered %d, checkpoint %s%s%n", s.name(),
                            st.state(), st.behind(), st.behindCapped() ? "+" : "", st.oldestUnreadAgeSeconds(), s.delivered(),
                            s.checkpoint(), s.lastError() == null ? "" : "\n    last error: " + OutboxCommand.printable(s.lastError()));
                }
            }
            return failing ? ExitCodes.FINDINGS : ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a subscription: waits for a slice in flight, then no slice of it runs again.")
    static final class Remove extends CliCommand {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "Print the outcome as JSON.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            OutboxCommand.migrateIfEmbedded(ctx);
            boolean removed = new Transactions(ctx.dataSource()).inTransaction(c -> SUBSCRIPTIONS.remove(c, name));
            if (!removed) throw new CliException(ExitCodes.USAGE, "no subscription named '" + name + "'");
            if (json) OutboxCommand.printJson(ctx, OutboxCommand.jsonObject().put("removed", name));
            else ctx.out.println("subscription " + name + " removed");
            return ExitCodes.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run every subscription locally until each is at its tail, writing their events as JSON lines "
                    + "(destination, attributes, CloudEvent) — what the relay function does with SQS or Pub/Sub.")
    static final class Run extends CliCommand {

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Append to this JSON Lines file instead of stdout.")
        Path output;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", description = "Events per slice (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--json", description = "Print the run's report as JSON on stderr.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            if (batchSize < 1 || batchSize > 10_000) throw new CliException(ExitCodes.USAGE, "--batch-size must be 1 to 10000");
            OutboxCommand.migrateIfEmbedded(ctx);
            // a subscription that asks for schema versions needs the feeds file's upcasters; without one it fails naming them
            SchemaCatalog catalog = ctx.feedsIfPresent().map(f -> f.schemaCatalog()).orElse(SchemaCatalog.EMPTY);
            SubscriptionRunner runner = new SubscriptionRunner(new Transactions(ctx.dataSource()),
                    new SubscriptionRunner.Settings(batchSize, Integer.MAX_VALUE), catalog);
            try (PrintStream sink = output == null ? null
                    : new PrintStream(new FileOutputStream(output.toFile(), true), true, StandardCharsets.UTF_8)) {
                SubscriptionReport r = runner.runAll(new JsonLinesPublisher(sink == null ? ctx.out : sink), Deadline.none());
                if (json) ctx.err.println(OutboxCommand.toJson(r));
                else ctx.err.println("subscriptions: " + r.delivered() + " delivered in " + r.slices() + " slice(s), "
                        + r.failing() + " failing");
                return r.failing() > 0 ? ExitCodes.FINDINGS : ExitCodes.OK;
            }
        }
    }
}
