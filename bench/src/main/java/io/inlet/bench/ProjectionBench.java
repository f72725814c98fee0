package io.inlet.bench;

import io.inlet.Inlet;
import io.inlet.event.DerivedRoute;
import io.inlet.event.EventEnvelope;
import io.inlet.projection.Assignment;
import io.inlet.projection.ColumnType;
import io.inlet.projection.EventField;
import io.inlet.projection.Projection;
import io.inlet.projection.ProjectionMode;
import io.inlet.projection.ProjectionRebuild;
import io.inlet.projection.Projections;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The cost of an inline projection per event: the same deterministic order events
 * ({@link OrderEvents}) appended with {@code EventStore.append} into fresh databases, once without
 * projections (the baseline) and once keeping {@code orders_current} (one row per order: status,
 * warehouse, unit price, quantity added up, last event time) in the append's transaction. Runs
 * alternate baseline and projected, best of {@code bench.runs}; every projected load is checked
 * (one row per order, each at its stream's last version of a handled type).
 *
 * <p>Settings: bench.rows (100000), bench.batch (5000), bench.streams (20000), bench.runs (3).
 */
public final class ProjectionBench {

    static final String TABLE = "order_events";
    static final List<DerivedRoute> ROUTES = List.of(new DerivedRoute(DerivedRoute.Kind.APPENDED, "order-updates", List.of(), null));

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 100_000);
        int batch = Integer.getInteger("bench.batch", 5_000);
        int streams = Integer.getInteger("bench.streams", 20_000);
        int runs = Integer.getInteger("bench.runs", 3);
        List<List<EventEnvelope>> batches = new OrderEvents(rows, batch, streams, 42).batches();
        Projection p = ordersCurrent();
        System.out.printf("ProjectionBench: %d events, batches of %d, %d streams, best of %d%n", rows, batch, streams, runs);
        load(batches, null); // warm-up of both paths
        load(batches, p);
        double base = Double.MAX_VALUE, projected = Double.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            double b = load(batches, null);
            double q = load(batches, p);
            System.out.printf("  run %d: baseline %.2f s, inline projection %.2f s (x%.2f)%n", r + 1, b, q, q / b);
            base = Math.min(base, b);
            projected = Math.min(projected, q);
        }
        System.out.printf("best: baseline %.2f s (%.1f us/event), inline projection %.2f s (%.1f us/event); "
                        + "projection cost %.1f us/event, ratio projected/baseline %.2f%n",
                base, base * 1e6 / rows, projected, projected * 1e6 / rows, (projected - base) * 1e6 / rows, projected / base);
    }

    /** Seconds to append every batch, one transaction each, on one session; checks the projection when there is one. */
    static double load(List<List<EventEnvelope>> batches, Projection p) throws Exception {
        DataSource ds = TestDatabase.fresh(TABLE);
        Projections projections = p == null ? Projections.NONE : new Projections(List.of(p));
        if (p != null) new ProjectionRebuild(ds, Inlet.projectionReader(ds)).ensure(projections);
        EventStore store = new EventStore(projections);
        Transactions tx = new Transactions(ds);
        long started = System.nanoTime();
        try (Transactions.Session session = tx.session()) {
            for (List<EventEnvelope> b : batches) session.inTransaction(c -> store.append(c, TABLE, b, ROUTES));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (p != null) check(ds);
        return seconds;
    }

    private static void check(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT (SELECT count(DISTINCT stream_id) FROM inlet.order_events),
                       (SELECT count(*) FROM inlet.orders_current),
                       (SELECT count(*) FROM inlet.orders_current p WHERE p.stream_version <>
                            (SELECT max(e.stream_version) FROM inlet.order_events e WHERE e.stream_id = p.stream_id))""")) {
            rs.next();
            if (rs.getLong(1) != rs.getLong(2) || rs.getLong(3) != 0) {
                throw new IllegalStateException("projection check failed: " + rs.getLong(1) + " streams, " + rs.getLong(2)
                        + " rows, " + rs.getLong(3) + " rows behind their stream");
            }
        }
    }

    static Projection ordersCurrent() {
        List<Projection.Column> columns = List.of(new Projection.Column("status", ColumnType.TEXT),
                new Projection.Column("warehouse", ColumnType.TEXT), new Projection.Column("unit_price", ColumnType.NUMERIC),
                new Projection.Column("quantity", ColumnType.BIGINT), new Projection.Column("last_at", ColumnType.TIMESTAMPTZ));
        Map<String, List<Assignment>> on = new LinkedHashMap<>();
        for (String type : List.of("OrderPlaced", "OrderPaid", "OrderPacked", "OrderShipped", "OrderDelivered",
                "OrderReturnRequested", "OrderRefunded")) {
            List<Assignment> a = new ArrayList<>();
            a.add(new Assignment("status", new Assignment.Field(EventField.EVENT_TYPE), Assignment.Op.SET));
            a.add(new Assignment("last_at", new Assignment.Field(EventField.OCCURRED_AT), Assignment.Op.SET));
            if (type.equals("OrderPlaced")) {
                a.add(new Assignment("warehouse", new Assignment.PayloadField(List.of("warehouse")), Assignment.Op.SET));
                a.add(new Assignment("unit_price", new Assignment.PayloadField(List.of("unitPrice")), Assignment.Op.SET));
            }
            a.add(new Assignment("quantity", new Assignment.PayloadField(List.of("quantity")), Assignment.Op.ADD));
            on.put(type, a);
        }
        return new Projection("orders_current", "orders_current", TABLE, ProjectionMode.INLINE, columns, on,
                "ProjectionBench: projection 'orders_current'");
    }
}
