package io.inlet.cli;

import io.inlet.db.Migrations;

/** The embedded database is the CLI's own: it is migrated on first use. A real server needs `inlet migrate`. */
final class AutoMigrate {

    private AutoMigrate() {
    }

    static void ifEmbedded(CliContext ctx) {
        ctx.dataSource();
        if (ctx.isEmbedded()) Migrations.apply(ctx.dataSource(), ctx.feedsIfPresent().map(f -> f.eventTables()).orElse(java.util.Set.of()));
    }
}
