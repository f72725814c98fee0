package io.inlet.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.inlet.Inlet;
import io.inlet.projection.AsyncProjector;
import io.inlet.projection.Projection;
import io.inlet.projection.ProjectionRebuild;
import io.inlet.projection.ProjectionsSection;
import io.inlet.projection.ProjectorReport;
import io.inlet.projection.RebuildReport;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The demo's projection step: a read model of the orders just ingested (docs/read-side.md), built
 * from history by a rebuild and then kept by the async projector, as the relay function keeps it.
 * Declared here rather than in the bundled feeds file, which the tests share.
 */
final class DemoProjection {

    static final String DECLARATION = """
            projections:
              - name: demo_orders
                events: order_events
                mode: async
                columns: { amount: numeric, currency: text, placed_at: timestamptz, placed_events: bigint }
                on:
                  OrderPlaced:
                    amount: { field: amount }
                    currency: { field: currency }
                    placed_at: { event: occurred_at }
                    placed_events: { value: 1, op: add }
            """;

    private DemoProjection() {
    }

    /** Builds demo_orders from the order events, runs its projector, and prints a few rows. */
    static void show(DataSource ds, PrintStream out) throws Exception {
        Projection p = ProjectionsSection.read("demo projection", DECLARATION,
                new YAMLMapper().readTree(DECLARATION).get("projections")).get(0);
        RebuildReport built = new ProjectionRebuild(ds, Inlet.projectionReader(ds)).rebuild(p);
        ProjectorReport run = new AsyncProjector(ds, Inlet.projectionReader(ds)).run(p, Integer.MAX_VALUE, 500);
        out.println("   projection " + p.name() + " (one row per order): built from " + (built.events() + built.caughtUp())
                + " events into " + built.rows() + " rows, then its projector: " + run.status() + " (" + run.applied() + " applied)");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_id, stream_version, amount, currency, placed_at FROM inlet.demo_orders "
                     + "ORDER BY stream_id LIMIT 3")) {
            while (rs.next()) {
                out.printf("     %s v%d amount %s %s placed %s%n", TerminalText.escape(rs.getString(1)), rs.getLong(2), rs.getString(3),
                        TerminalText.escape(String.valueOf(rs.getString(4))), rs.getTimestamp(5).toInstant());
            }
        }
    }
}
