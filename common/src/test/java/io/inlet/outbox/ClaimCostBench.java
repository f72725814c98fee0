package io.inlet.outbox;

import io.inlet.event.CloudEventWriter;
import io.inlet.failure.Deadline;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a claim costs on a backlog of 100,000 rows, the stream-hold claim against the claim it replaced
 * (one {@code SELECT .. ORDER BY available_at, outbox_id LIMIT n FOR UPDATE SKIP LOCKED}), per shape:
 * many short streams, one long stream, and a blocked row with half the backlog behind it. Not part of
 * the build: {@code ./mvnw -pl common -am verify -Dtest=ClaimCostBench -Dinlet.bench.claim=true
 * -Dsurefire.failIfNoSpecifiedTests=false}; figures in docs/DESIGN.md.
 */
@EnabledIfSystemProperty(named = "inlet.bench.claim", matches = "true")
class ClaimCostBench {

    static final int ROWS = 100_000, BATCH = 100, CLAIMS = 30;

    @Test
    void claimCostOnA100kBacklog() throws Exception {
        bench("10,000 streams x 10 rows", "'s-' || (g % 10000)", null);
        bench("1 stream x 100,000 rows", "'one'", null);
        bench("blocked head + 50,000 behind it, 50,000 in 5,000 streams",
                "CASE WHEN g % 2 = 0 THEN 'held' ELSE 's-' || (g % 10000) END", "held");
    }

    void bench(String shape, String streamExpression, String blockedStream) throws Exception {
        DataSource ds = TestDatabase.fresh();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO outbox (destination, event_id, event_type, stream_id, payload, created_at, available_at) "
                    + "SELECT 'orders', gen_random_uuid(), 'T', " + streamExpression + ", '{\"n\":1}', "
                    + "now() - interval '1 hour', now() - interval '1 hour' FROM generate_series(1, " + ROWS + ") g");
            if (blockedStream != null) {
                s.execute("UPDATE outbox SET blocked_at = now(), attempts = 20 WHERE outbox_id = "
                        + "(SELECT min(outbox_id) FROM outbox WHERE stream_id = '" + blockedStream + "')");
            }
            // the index the old claim used (V8), beside V15's
            s.execute("CREATE INDEX bench_old_due_idx ON outbox (available_at, outbox_id) WHERE published_at IS NULL");
            s.execute("VACUUM ANALYZE outbox");
        }
        Transactions tx = new Transactions(ds);
        Timestamp dueBy = tx.inTransaction(new OutboxStore()::now);
        CloudEventWriter writer = new CloudEventWriter();
        double before = perClaimMillis(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT outbox_id, destination, event_table, event_id, event_type, stream_id, payload::text, created_at
                    FROM outbox WHERE published_at IS NULL AND available_at <= ?
                    ORDER BY available_at, outbox_id LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                ps.setTimestamp(1, dueBy);
                ps.setInt(2, BATCH);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) n++;
                }
                return n;
            }
        });
        double after = perClaimMillis(ds, c -> new OutboxStore().claimDue(c, BATCH, dueBy, Duration.ofMinutes(15), writer)
                .messages().size());
        if (!Boolean.getBoolean("inlet.bench.drain")) {
            System.out.printf("CLAIM-BENCH %-58s old claim %7.2f ms | stream-hold claim %7.2f ms%n", shape, before, after);
            return;
        }
        // a drain of the whole backlog by one relay with a publisher that accepts everything
        long t0 = System.nanoTime();
        RelayReport r = new OutboxRelay(tx, new RelaySettings(BATCH, Duration.ZERO, Duration.ZERO, Duration.ofDays(1)))
                .run(batch -> {
                    Map<Long, String> ok = new HashMap<>();
                    batch.forEach(m -> ok.put(m.outboxId(), "x"));
                    return new PublishResult(ok, Map.of());
                }, Deadline.none());
        double drainSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("CLAIM-BENCH %-58s old claim %7.2f ms | stream-hold claim %7.2f ms | drain %,d rows in %.1f s (%,.0f rows/s), %d left%n",
                shape, before, after, r.published(), drainSeconds, r.published() / drainSeconds, r.pending());
    }

    interface Claim {
        int rows(Connection c) throws Exception;
    }

    /** Mean time of a claim of {@link #BATCH} rows, each rolled back so the backlog stays as it was; 5 warm-ups. */
    static double perClaimMillis(DataSource ds, Claim claim) throws Exception {
        long total = 0;
        for (int i = 0; i < CLAIMS + 5; i++) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                long t0 = System.nanoTime();
                int n = claim.rows(c);
                long t = System.nanoTime() - t0;
                c.rollback();
                if (n == 0) throw new IllegalStateException("claimed nothing");
                if (i >= 5) total += t;
            }
        }
        return total / 1e6 / CLAIMS;
    }
}
