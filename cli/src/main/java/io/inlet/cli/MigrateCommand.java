package io.inlet.cli;

import io.inlet.db.Migrations;
import picocli.CommandLine.Command;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply the schema migrations and create the event tables the feeds name. Idempotent.")
final class MigrateCommand extends CliCommand {

    @Override
    int run(CliContext ctx) {
        var tables = ctx.feeds().eventTables();
        int applied = Migrations.apply(ctx.dataSource(), tables);
        ctx.out.println("migrated: " + applied + " migration(s) applied; event tables " + tables);
        return ExitCodes.OK;
    }
}
