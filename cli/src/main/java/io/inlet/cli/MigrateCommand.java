package io.inlet.cli;

import io.inlet.db.Migrations;
import picocli.CommandLine.Command;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply the schema migrations, create the event tables the feeds name and build the projections they declare (from history). Idempotent.")
final class MigrateCommand extends CliCommand {

    @Override
    int run(CliContext ctx) {
        var tables = ctx.feeds().eventTables();
        int applied = Migrations.apply(ctx.dataSource(), tables);
        ctx.out.println("migrated: " + applied + " migration(s) applied; event tables " + tables);
        // projections declared and not yet built are built from history (a rebuild into a new table)
        for (String line : AutoMigrate.buildProjections(ctx, ctx.feeds().projections())) ctx.out.println(line);
        return ExitCodes.OK;
    }
}
