package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.db.Migrations;
import io.inlet.outbox.OutboxOperations;
import io.inlet.outbox.OutboxOperations.BlockedRow;
import io.inlet.outbox.OutboxOperations.DestinationStatus;
import io.inlet.outbox.OutboxOperations.Intervention;
import io.inlet.store.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlet outbox status | blocked | retry | unblock}: the outbox backlog per destination, the
 * rows blocked after the relay's attempt limit, and the two ways to free the stream one holds.
 */
@Command(name = "outbox", mixinStandardHelpOptions = true,
        description = "The outbox: backlog per destination, blocked rows, retrying or releasing (unblock) a blocked row, replaying to a destination.",
        subcommands = {OutboxCommand.Status.class, OutboxCommand.Blocked.class, OutboxCommand.Retry.class,
                OutboxCommand.Unblock.class, OutboxCommand.Replay.class})
final class OutboxCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final OutboxOperations OPS = new OutboxOperations();

    /** These commands read and change only the outbox: an embedded database is migrated, a feeds file is optional. */
    static void migrateIfEmbedded(CliContext ctx) {
        ctx.dataSource();
        if (!ctx.isEmbedded()) return;
        Set<String> tables = ctx.hasFeeds() ? ctx.feeds().eventTables() : Set.of();
        Migrations.apply(ctx.dataSource(), tables);
    }

    /** Error text as one terminal-safe line: control and escape characters are shown as \\uXXXX. */
    static String printable(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) b.append(String.format("\\u%04x", cp));
            else b.appendCodePoint(cp);
        });
        return b.toString();
    }

    static ObjectNode jsonObject() {
        return JSON.createObjectNode();
    }

    static com.fasterxml.jackson.databind.JsonNode toJson(Object value) {
        return JSON.valueToTree(value);
    }

    static void printJson(CliContext ctx, Object node) throws Exception {
        ctx.out.println(JSON.writeValueAsString(node));
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Rows per destination: pending (due, backing off, blocked), released, published, oldest pending age. "
                    + "Exit 1 when a row is blocked.")
    static final class Status extends CliCommand {

        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            migrateIfEmbedded(ctx);
            List<DestinationStatus> rows;
            try (Connection c = ctx.dataSource().getConnection()) {
                rows = OPS.status(c);
            }
            long blocked = rows.stream().mapToLong(DestinationStatus::blocked).sum();
            if (json) {
                ObjectNode doc = JSON.createObjectNode();
                doc.set("destinations", JSON.valueToTree(rows));
                doc.put("blocked", blocked);
                printJson(ctx, doc);
            } else {
                String fmt = "%-24s %9s %9s %11s %8s %9s %10s %12s%n";
                ctx.out.printf(fmt, "DESTINATION", "PENDING", "DUE", "BACKING-OFF", "BLOCKED", "RELEASED", "PUBLISHED", "OLDEST (s)");
                for (DestinationStatus d : rows) {
                    ctx.out.printf(fmt, printable(d.destination()), d.pending(), d.due(), d.backingOff(), d.blocked(), d.released(),
                            d.published(), Math.round(d.oldestPendingAgeSeconds()));
                }
                if (rows.isEmpty()) ctx.out.println("outbox empty");
                if (blocked > 0) {
                    ctx.out.println(blocked + " blocked row(s) hold their streams: `inlet outbox blocked` lists them");
                }
            }
            return blocked > 0 ? ExitCodes.FINDINGS : ExitCodes.OK;
        }
    }

    @Command(name = "blocked", mixinStandardHelpOptions = true,
            description = "Rows blocked after the relay's attempt limit, oldest first, with the rows waiting behind each. "
                    + "Exit 1 when there is one.")
    static final class Blocked extends CliCommand {

        @Option(names = "--destination", paramLabel = "NAME", description = "Only this destination.")
        String destination;

        @Option(names = {"-n", "--limit"}, defaultValue = "100", description = "Rows to show (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "One JSON document instead of the lines.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            if (limit < 1) throw new CliException(ExitCodes.USAGE, "--limit must be at least 1 (was " + limit + ")");
            migrateIfEmbedded(ctx);
            List<BlockedRow> rows;
            try (Connection c = ctx.dataSource().getConnection()) {
                rows = OPS.blocked(c, destination, limit);
            }
            if (json) {
                ObjectNode doc = JSON.createObjectNode();
                ArrayNode list = doc.putArray("blocked");
                for (BlockedRow r : rows) {
                    list.addObject().put("outboxId", r.outboxId()).put("destination", r.destination())
                            .put("streamId", r.streamId()).put("eventId", r.eventId().toString()).put("eventType", r.eventType())
                            .put("eventTable", r.eventTable()).put("attempts", r.attempts())
                            .put("createdAt", r.createdAt().toString()).put("blockedAt", r.blockedAt().toString())
                            .put("lastError", r.lastError()).put("waiting", r.waiting());
                }
                printJson(ctx, doc);
            } else {
                for (BlockedRow r : rows) {
                    ctx.out.printf("#%d %s stream %s %s event %s (%s): %d attempts, blocked %s, %d row(s) waiting behind it%n"
                                    + "    last error: %s%n", r.outboxId(), printable(r.destination()), printable(r.streamId()),
                            printable(r.eventType()), r.eventId(), r.eventTable() == null ? "file summary" : r.eventTable(),
                            r.attempts(), r.blockedAt(), r.waiting(), printable(r.lastError()));
                }
                ctx.out.println(rows.size() + " blocked row(s)" + (rows.isEmpty() ? ""
                        : "; `inlet outbox retry ID --reason ...` sends one again, `inlet outbox unblock ID --reason ...` lets its stream move on without it"));
            }
            return rows.isEmpty() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }

    /** What retry and unblock share: ids, the audit's who and why, one transaction for all. */
    abstract static class Intervene extends CliCommand {

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in outbox_interventions).")
        String reason;

        @Option(names = "--actor", paramLabel = "NAME",
                description = "Who (kept in outbox_interventions; default: the OS user; the database user is kept too).")
        String actor;

        @Option(names = "--json", description = "One JSON document instead of the lines.")
        boolean json;

        abstract List<Long> ids(Connection c) throws SQLException;

        abstract Intervention apply(Connection c, long id, String actor, String reason) throws SQLException;

        abstract String verb();

        @Override
        int run(CliContext ctx) throws Exception {
            if (reason.isBlank()) throw new CliException(ExitCodes.USAGE, "--reason must say why");
            String who = actor != null ? actor : System.getProperty("user.name", "unknown");
            migrateIfEmbedded(ctx);
            List<Intervention> done;
            try {
                done = new Transactions(ctx.dataSource()).inTransaction(c -> {
                    List<Intervention> out = new ArrayList<>();
                    for (long id : ids(c)) out.add(apply(c, id, who, reason));
                    return out;
                });
            } catch (OutboxOperations.RowStateException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage() + " (nothing changed)");
            }
            if (json) {
                ObjectNode doc = JSON.createObjectNode();
                doc.put("action", verb());
                doc.put("actor", who);
                doc.put("reason", reason);
                doc.set("rows", JSON.valueToTree(done));
                printJson(ctx, doc);
            } else {
                for (Intervention i : done) {
                    ctx.out.printf("#%d %s stream %s: %s (was %s after %d attempts)%n", i.outboxId(), printable(i.destination()),
                            printable(i.streamId()), verb().toLowerCase(), i.stateBefore(), i.attemptsBefore());
                }
                ctx.out.println(done.size() + " row(s) " + (verb().equals("RETRY") ? "retried: the relay sends them at its next run"
                        : "released: their streams move on without them"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Send blocked (or backing-off) rows again at the relay's next run, attempts reset to 0; "
                    + "the rows behind each still wait for it. Audited.")
    static final class Retry extends Intervene {

        static final class Which {
            @Parameters(paramLabel = "ID", arity = "1..*", description = "Outbox ids (see `inlet outbox blocked`).")
            List<Long> ids;

            @Option(names = "--all-blocked", description = "Every blocked row (of --destination, if given).")
            boolean allBlocked;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        @Option(names = "--destination", paramLabel = "NAME", description = "With --all-blocked: only this destination.")
        String destination;

        @Override
        List<Long> ids(Connection c) throws SQLException {
            return which.allBlocked ? OPS.blockedIds(c, destination) : which.ids;
        }

        @Override
        Intervention apply(Connection c, long id, String actor, String reason) throws SQLException {
            return OPS.retry(c, id, actor, reason);
        }

        @Override
        String verb() {
            return "RETRY";
        }
    }

    @Command(name = "unblock", mixinStandardHelpOptions = true,
            description = "Release blocked rows: never published, kept as released, and their streams move on. Audited.")
    static final class Unblock extends Intervene {

        @Parameters(paramLabel = "ID", arity = "1..*", description = "Outbox ids of blocked rows (see `inlet outbox blocked`).")
        List<Long> ids;

        @Override
        List<Long> ids(Connection c) {
            return ids;
        }

        @Override
        Intervention apply(Connection c, long id, String actor, String reason) throws SQLException {
            return OPS.release(c, id, actor, reason);
        }

        @Override
        String verb() {
            return "RELEASE";
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Republish stored events to a destination that lost them: its published rows from an event position "
                    + "(or a time) on are set pending again, with every later row of their streams, and the relay (`inlet relay`, "
                    + "the relay function) sends them again in per-stream order with their original CloudEvent ids. Audited.",
                    "Released rows stay released. Exit 0, also when nothing matched (then it says so)."})
    static final class Replay extends CliCommand {

        @Option(names = "--destination", required = true, paramLabel = "NAME", description = "The destination that lost messages.")
        String destination;

        @Option(names = "--from", required = true, paramLabel = "POSITION|TIME",
                description = "An event position (a whole number, the events' position column) or an ISO-8601 time "
                        + "(outbox rows created at or after it, e.g. 2026-11-20T08:00:00Z).")
        String from;

        @Option(names = "--stream", paramLabel = "STREAM", description = "Only this stream.")
        String stream;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in outbox_replays).")
        String reason;

        @Option(names = "--actor", paramLabel = "NAME", description = "Who (kept in outbox_replays; default: the OS user).")
        String actor;

        @Option(names = "--json", description = "One JSON document instead of the line.")
        boolean json;

        private static final java.time.Instant EARLIEST = java.time.Instant.parse("0001-01-01T00:00:00Z");
        private static final java.time.Instant LATEST = java.time.Instant.parse("+10000-01-01T00:00:00Z");

        static io.inlet.outbox.OutboxReplay.From parseFrom(String from) {
            if (from.matches("\\d{1,18}")) return new io.inlet.outbox.OutboxReplay.FromPosition(Long.parseLong(from));
            try {
                java.time.Instant at = java.time.OffsetDateTime.parse(from).toInstant();
                // beyond four-digit years the driver wraps the value (or the database refuses it): a bad argument
                if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
                    throw new CliException(ExitCodes.USAGE, "--from time out of range (years 0001 to 9999): '" + TerminalText.escape(from) + "'");
                }
                return new io.inlet.outbox.OutboxReplay.FromTime(at);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CliException(ExitCodes.USAGE, "--from must be an event position (a whole number) or an ISO-8601 time "
                        + "with an offset such as 2026-11-20T08:00:00Z, was '" + TerminalText.escape(from) + "'");
            }
        }

        @Override
        int run(CliContext ctx) throws Exception {
            if (reason.isBlank()) throw new CliException(ExitCodes.USAGE, "--reason must say why");
            var start = parseFrom(from);
            String who = actor != null ? actor : System.getProperty("user.name", "unknown");
            migrateIfEmbedded(ctx);
            var result = new Transactions(ctx.dataSource()).inTransaction(c -> new io.inlet.outbox.OutboxReplay().replay(c,
                    new io.inlet.outbox.OutboxReplay.Request(destination, start, stream, who, reason)));
            if (json) {
                ObjectNode doc = JSON.valueToTree(result);
                doc.put("destination", destination).put("from", from).put("stream", stream).put("actor", who).put("reason", reason);
                printJson(ctx, doc);
            } else if (result.rows() == 0) {
                ctx.out.println("replay #" + result.replayId() + ": no published row of " + printable(destination) + " from " + printable(from)
                        + (stream == null ? "" : " in stream " + printable(stream)) + ": nothing to replay");
            } else {
                ctx.out.printf("replay #%d: %d row(s) of %s in %d stream(s) (outbox #%d..#%d) pending again: the relay sends them "
                                + "in stream order with their original CloudEvent ids%n", result.replayId(), result.rows(),
                        printable(destination), result.streams(), result.firstOutboxId(), result.lastOutboxId());
            }
            return ExitCodes.OK;
        }
    }
}
