package io.inlet.operations;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** A feeds file, local files and a fresh database for the operator-verb tests. */
final class OpsFixture {

    /** {@code %s}: the timestamp formats of the feed (a fix adds one). */
    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "orders:customer-{customer}"
                  occurred_at: { column: at, formats: [%s] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all }
                table: order_events
                batch_size: 10
                derived:
                  - { events: appended, destination: orders }
              - name: strict
                bucket: drop
                key_pattern: "strict/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "strict:customer-{customer}"
                  occurred_at: { column: at, formats: [%s] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all }
                table: order_events
                errors: { policy: skip_file }
            messages:
              - name: billing
                channel: billing
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: billing_events
            """;

    static final String BROKEN = "\"iso\"";
    static final String FIXED = "\"iso\", \"yyyy-MM-dd HH:mm:ss\"";

    final Path dir;
    final LocalFileSource source;
    final DataSource ds;

    OpsFixture(Path dir) {
        this.dir = dir;
        this.source = new LocalFileSource(dir);
        this.ds = TestDatabase.fresh("order_events", "billing_events");
    }

    static FeedRegistry feeds(String formats) {
        return FeedRegistry.parse(FEEDS.formatted(formats, formats), "ops-feeds.yaml");
    }

    Inlet inlet(String formats, String worker) {
        return Inlet.builder().dataSource(ds).feeds(feeds(formats)).workerId(worker).leaseDuration(Duration.ofMinutes(5)).build();
    }

    /**
     * A CSV of {@code rows} orders; the rows in {@code oldStyle} carry their time as
     * {@code 2026-11-20 10:00:00}, which the broken feed rejects and the fixed one reads.
     */
    ObjectRef write(String key, int rows, int... oldStyle) throws IOException {
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= rows; i++) {
            int row = i;
            boolean old = java.util.Arrays.stream(oldStyle).anyMatch(b -> b == row);
            String at = old ? "2026-11-20 10:%02d:00".formatted(i % 60) : "2026-11-20T10:%02d:00Z".formatted(i % 60);
            sb.append(key.replace('/', '-')).append("-O").append(i).append(",c").append(i % 7).append(',')
                    .append(i).append(".50,").append(at).append('\n');
        }
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());
        return source.refFor("drop", file);
    }

    long count(String sql) throws Exception {
        return Long.parseLong(rows(sql).get(0));
    }

    List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    void execute(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
