package io.inlet.cli;

import io.inlet.DatabaseDeployment;
import io.inlet.db.Migrations;
import java.util.List;
import java.util.Set;

/** The embedded database is the CLI's own: it is migrated on first use. A real server needs `inlet migrate`. */
final class AutoMigrate {

    private AutoMigrate() {
    }

    /** The deployment's database step (no login users) on the embedded database: schema, event tables, projections. */
    static void ifEmbedded(CliContext ctx) {
        ctx.dataSource();
        if (!ctx.isEmbedded()) return;
        ctx.feedsIfPresent().ifPresentOrElse(f -> DatabaseDeployment.run(ctx.dataSource(), f, List.of()),
                () -> Migrations.apply(ctx.dataSource(), Set.of()));
    }
}
