package io.inlet.cli;

import io.inlet.db.Migrations;

/** The embedded database is the CLI's own: it is migrated on first use. A real server needs `inlet migrate`. */
final class AutoMigrate {

    private AutoMigrate() {
    }

    static void ifEmbedded(CliContext ctx) {
        ctx.dataSource();
        if (!ctx.isEmbedded()) return;
        Migrations.apply(ctx.dataSource(), ctx.feedsIfPresent().map(f -> f.eventTables()).orElse(java.util.Set.of()));
        ctx.feedsIfPresent().ifPresent(f -> buildProjections(ctx, f.projections()));
    }

    /** Builds the declared projections not yet built (from history); one line per projection. */
    static java.util.List<String> buildProjections(CliContext ctx, io.inlet.projection.Projections projections) {
        return new io.inlet.projection.ProjectionRebuild(ctx.dataSource(), io.inlet.Inlet.projectionReader(ctx.dataSource()))
                .ensure(projections);
    }
}
