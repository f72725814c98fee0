package io.inlet.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.projection.AsyncProjector;
import io.inlet.projection.Projection;
import io.inlet.projection.ProjectionMode;
import io.inlet.projection.ProjectionRebuild;
import io.inlet.projection.ProjectionRetirement;
import io.inlet.projection.ProjectionStatus;
import io.inlet.projection.ProjectorReport;
import io.inlet.projection.RebuildReport;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlet projection list | status | rebuild NAME | run [NAME] | retire NAME}: the read models the feeds file
 * declares (docs/read-side.md, "Projections").
 */
@Command(name = "projection", mixinStandardHelpOptions = true,
        description = "Projections (read model tables the feeds file declares): list them, show their state and lag, rebuild one from history, run the async ones, "
                + "retire one the feeds file no longer declares.",
        subcommands = {ProjectionCommand.ListProjections.class, ProjectionCommand.Status.class, ProjectionCommand.Rebuild.class,
                ProjectionCommand.Run.class, ProjectionCommand.Retire.class})
final class ProjectionCommand {

    private ProjectionCommand() {
    }

    static Projection named(CliContext ctx, String name) {
        return ctx.feeds().projections().named(name).orElseThrow(() -> new CliException(ExitCodes.USAGE, "no projection '" + name
                + "' in " + ctx.feeds().origin() + " (declared: " + String.join(", ", ctx.feeds().projections().all().stream().map(Projection::name).toList()) + ")"));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The declared projections: name, mode, table, event table, event types.")
    static final class ListProjections extends CliCommand {

        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            List<Projection> all = ctx.feeds().projections().all();
            if (json) {
                ArrayNode out = OutboxCommand.jsonObject().arrayNode();
                for (Projection p : all) {
                    ObjectNode o = out.addObject().put("name", p.name()).put("mode", p.mode().configName()).put("table", p.table())
                            .put("events", p.source());
                    p.eventTypes().forEach(o.putArray("types")::add);
                }
                OutboxCommand.printJson(ctx, out);
                return ExitCodes.OK;
            }
            for (Projection p : all) {
                ctx.out.printf("%-24s %-6s %-24s <- %-20s %s%n", p.name(), p.mode().configName(), p.table(), p.source(),
                        String.join(", ", p.eventTypes()));
            }
            ctx.out.println(all.size() + " projection(s)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Each projection's state (CURRENT, NOT_BUILT, DEFINITION_CHANGED, FAILED) and lag: events of its types not yet applied "
                    + "and the age of the oldest (inline projections never lag). Exit 1 when one is not CURRENT."})
    static final class Status extends CliCommand {

        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            AutoMigrate.ifEmbedded(ctx);
            List<ProjectionStatus> rows;
            try (Connection c = ctx.dataSource().getConnection()) {
                rows = ProjectionStatus.of(c, ctx.feeds().projections(), Inlet.projectionReader(ctx.dataSource()));
            }
            boolean findings = rows.stream().anyMatch(r -> r.state() != ProjectionStatus.State.CURRENT);
            if (json) {
                ArrayNode out = OutboxCommand.jsonObject().arrayNode();
                for (ProjectionStatus r : rows) {
                    out.addObject().put("name", r.name()).put("mode", r.mode().configName()).put("table", r.table()).put("events", r.source())
                            .put("state", r.state().name()).put("events_behind", r.eventsBehind()).put("lag_seconds", r.oldestAgeSeconds())
                            .put("applied_events", r.appliedEvents()).put("last_run_at", r.lastRunAt() == null ? null : r.lastRunAt().toString())
                            .put("rebuilt_at", r.rebuiltAt() == null ? null : r.rebuiltAt().toString()).put("last_error", r.lastError());
                }
                OutboxCommand.printJson(ctx, out);
            } else {
                for (ProjectionStatus r : rows) {
                    ctx.out.printf("%-24s %-6s %-18s behind %d event(s), lag %d s%s%s%n", r.name(), r.mode().configName(), r.state(),
                            r.eventsBehind(), r.oldestAgeSeconds(), r.rebuiltAt() == null ? "" : ", rebuilt " + r.rebuiltAt(),
                            r.lastError() == null ? "" : ": " + TerminalText.escape(r.lastError()));
                }
            }
            return findings ? ExitCodes.FINDINGS : ExitCodes.OK;
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Builds NAME's table anew from the events into a shadow table and swaps it in atomically, while appends go on "
                    + "(they wait only for the swap). Applies a changed definition. Run it as the user that owns the tables."})
    static final class Rebuild extends CliCommand {

        @Parameters(paramLabel = "NAME", description = "The projection (see `inlet projection list`).")
        String name;

        @Option(names = "--json", description = "The report as JSON.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            Projection p = named(ctx, name);
            AutoMigrate.ifEmbedded(ctx);
            RebuildReport r = new ProjectionRebuild(ctx.dataSource(), Inlet.projectionReader(ctx.dataSource())).rebuild(p);
            if (json) {
                OutboxCommand.printJson(ctx, OutboxCommand.jsonObject().put("name", r.name()).put("table", r.table())
                        .put("events", r.events()).put("caught_up", r.caughtUp()).put("rows", r.rows()).put("millis", r.took().toMillis()));
            } else {
                ctx.out.printf("rebuilt %s: %d event(s) folded, %d caught up during the rebuild, %d row(s) in %s, %d ms%n", r.name(),
                        r.events(), r.caughtUp(), r.rows(), r.table(), r.took().toMillis());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the async projections (or NAME) forward from their checkpoints until caught up, as the relay function does. Exit 1 when one stopped.")
    static final class Run extends CliCommand {

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "One async projection; all of them when omitted.")
        String name;

        @Option(names = "--json", description = "The reports as JSON.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            List<Projection> targets = name == null ? ctx.feeds().projections().async() : List.of(named(ctx, name));
            for (Projection p : targets) {
                if (p.mode() != ProjectionMode.ASYNC) throw new CliException(ExitCodes.USAGE, "projection '" + p.name() + "' is inline: appends keep it");
            }
            AutoMigrate.ifEmbedded(ctx);
            AsyncProjector projector = new AsyncProjector(ctx.dataSource(), Inlet.projectionReader(ctx.dataSource()));
            ArrayNode out = OutboxCommand.jsonObject().arrayNode();
            boolean stopped = false;
            for (Projection p : targets) {
                ProjectorReport r = projector.run(p, Integer.MAX_VALUE, 500);
                stopped |= r.status() != ProjectorReport.Status.CAUGHT_UP;
                if (json) out.add(OutboxCommand.toJson(r));
                else ctx.out.printf("%s: %d event(s) applied, %s%s%n", r.name(), r.applied(), r.status(), r.detail().isEmpty() ? "" : ": " + TerminalText.escape(r.detail()));
            }
            if (json) OutboxCommand.printJson(ctx, out);
            return stopped ? ExitCodes.FINDINGS : ExitCodes.OK;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = {"Retires NAME in the database's projections catalog: its table is kept (no data dropped) and no longer maintained, "
                    + "and appends to its event table are no longer refused by instances whose feeds lack it. Refused while the feeds file "
                    + "still declares NAME. inlet migrate does the same for every inline projection the feeds no longer declare. "
                    + "Run it as the user that owns the tables; running it again changes nothing."})
    static final class Retire extends CliCommand {

        @Parameters(paramLabel = "NAME", description = "The projection, as the catalog names it (see inlet status or the table projections).")
        String name;

        @Option(names = "--json", description = "The report as JSON.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            if (ctx.feeds().projections().named(name).isPresent()) {
                throw new CliException(ExitCodes.USAGE, "projection '" + name + "' is still declared in " + ctx.feeds().origin()
                        + ": remove it from the feeds file first (instances on feeds that declare it would refuse to append)");
            }
            AutoMigrate.ifEmbedded(ctx);
            Optional<ProjectionRetirement.Retired> r = new ProjectionRetirement(ctx.dataSource()).retire(name);
            if (r.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "the database's projections catalog has no projection '" + name + "'");
            }
            if (json) {
                OutboxCommand.printJson(ctx, OutboxCommand.jsonObject().put("name", r.get().name()).put("table", r.get().table())
                        .put("events", r.get().source()).put("retired", r.get().now()).put("table_kept", true));
            } else {
                ctx.out.println(r.get().line());
            }
            return ExitCodes.OK;
        }
    }
}
