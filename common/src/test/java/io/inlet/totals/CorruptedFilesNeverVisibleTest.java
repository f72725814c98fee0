package io.inlet.totals;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search over random files and random corruptions (a record dropped, a value changed, the
 * trailer's count off by one, a byte changed under a manifest's sha256), each file loaded in random
 * slices: a corrupted file is REJECTED and none of its events is ever in the event table or the
 * outbox; a clean one loads whole.
 */
class CorruptedFilesNeverVisibleTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: trailed
                bucket: drop
                key_pattern: "trailed/**"
                format: { type: csv }
                batch_size: 3
                control_totals:
                  trailer: { pattern: '^TRL,(?<n>\\d+),(?<amt>-?[0-9.]+)$', count: n, sums: { amount: amt } }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: events
                shared_streams: true
                derived: [ { events: appended, destination: orders }, { events: summary, destination: ops } ]
              - name: manifested
                bucket: drop
                key_pattern: "manifested/*.csv"
                format: { type: csv }
                batch_size: 3
                control_totals:
                  sidecar: { suffix: .json, format: json }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: events
                shared_streams: true
                derived: [ { events: appended, destination: orders }, { events: summary, destination: ops } ]
            """;

    enum Corruption { NONE, DROP_RECORD, CHANGE_VALUE, TRAILER_COUNT_OFF_BY_ONE, CHANGE_BYTE }

    @TempDir
    Path dir;

    @Test
    void noEventOfAFileWhoseTotalsDoNotMatchIsEverVisibleOrPublished() throws Exception {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "corrupt-feeds.yaml");
        LocalFileSource source = new LocalFileSource(dir);
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
        long seed = Long.getLong("inlet.seed", System.nanoTime());
        Random random = new Random(seed);
        int rejected = 0;
        int completed = 0;
        for (int f = 0; f < 60; f++) {
            boolean manifest = random.nextBoolean();
            Corruption corruption = Corruption.values()[random.nextInt(Corruption.values().length)];
            if (manifest && corruption == Corruption.TRAILER_COUNT_OFF_BY_ONE) corruption = Corruption.NONE;
            if (!manifest && corruption == Corruption.CHANGE_BYTE) corruption = Corruption.CHANGE_VALUE;
            String prefix = "F" + f + "R";
            List<String> lines = new ArrayList<>();
            int n = 1 + random.nextInt(12);
            BigDecimal sum = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                BigDecimal amount = BigDecimal.valueOf(random.nextInt(100_000) - 20_000, random.nextInt(4));
                sum = sum.add(amount);
                lines.add(prefix + i + ",c" + random.nextInt(5) + "," + amount.toPlainString() + ",2026-11-20T10:00:00Z");
            }
            String declared = header() + String.join("\n", lines) + "\n";
            long count = n;
            switch (corruption) {
                case DROP_RECORD -> lines.remove(random.nextInt(lines.size()));
                case CHANGE_VALUE -> {
                    int i = random.nextInt(lines.size());
                    String[] parts = lines.get(i).split(",");
                    parts[2] = new BigDecimal(parts[2]).add(new BigDecimal("0.01")).toPlainString();
                    lines.set(i, String.join(",", parts));
                }
                case TRAILER_COUNT_OFF_BY_ONE -> count += random.nextBoolean() ? 1 : -1;
                default -> { }
            }
            String body = header() + String.join("\n", lines) + "\n";
            if (corruption == Corruption.CHANGE_BYTE) {
                int i = header().length() + random.nextInt(body.length() - header().length() - 1);
                char c = body.charAt(i);
                char swapped = c == 'c' ? 'd' : Character.isDigit(c) ? (char) ('0' + (c - '0' + 1) % 10) : c == ',' ? ',' : 'x';
                body = body.substring(0, i) + swapped + body.substring(i + 1);
                if (body.equals(declared)) corruption = Corruption.NONE;
            }
            String key;
            if (manifest) {
                key = "manifested/f" + f + ".csv";
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(declared.getBytes(StandardCharsets.UTF_8)));
                write(key + ".json", "{\"records\": " + n + ", \"sha256\": \"" + sha + "\"}");
            } else {
                key = "trailed/f" + f + ".csv";
                body = body + "TRL," + count + "," + sum.toPlainString() + "\n";
            }
            ObjectRef ref = write(key, body);
            FileReport r = inlet.ingestFile(ref, source, randomDeadline(random));
            for (int i = 0; i < 50 && r.outcome() == FileOutcome.SUSPENDED; i++) r = inlet.ingestFile(ref, source, randomDeadline(random));
            String why = "seed " + seed + ", file " + key + ", " + corruption;
            long visible = count(ds, "SELECT count(*) FROM events WHERE payload->>'order_id' LIKE '" + prefix + "%'");
            long published = count(ds, "SELECT count(*) FROM outbox WHERE payload->>'order_id' LIKE '" + prefix + "%'");
            if (corruption == Corruption.NONE) {
                assertThat(r.outcome()).as(why).isEqualTo(FileOutcome.COMPLETED);
                assertThat(visible).as(why).isEqualTo(lines.size());
                completed++;
            } else {
                assertThat(r.outcome()).as(why + ": " + r.firstError()).isEqualTo(FileOutcome.REJECTED);
                assertThat(visible).as(why).isZero();
                assertThat(published).as(why).isZero();
                rejected++;
            }
            Files.delete(dir.resolve(key));
        }
        assertThat(rejected).as("seed " + seed).isPositive();
        assertThat(completed).as("seed " + seed).isPositive();
    }

    private static String header() {
        return "order_id,customer,amount,at\n";
    }

    /** Often a deadline that has passed: the file is loaded in many slices. */
    private static Deadline randomDeadline(Random random) {
        return random.nextBoolean() ? Deadline.none() : Deadline.after(Duration.ZERO, Duration.ZERO);
    }

    private ObjectRef write(String key, String content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return new LocalFileSource(dir).refFor("drop", file);
    }

    private static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
