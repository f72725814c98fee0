package io.inlet.ingest;

import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.PermanentException;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A property over random decimal strings of many shapes (signs, long mantissas, trailing zeros,
 * small, large and huge exponents): through every reader and the message path, the number read
 * back from PostgreSQL equals the one written, or its record is rejected; and a number PostgreSQL
 * numeric can hold is never rejected. A failing seed is in the assertion message.
 */
class NumbersKeptExactlyTest {

    static final long SEED = Long.getLong("inlet.numbers.seed", 20261206L);
    static final int COUNT = Integer.getInteger("inlet.numbers.count", 150);

    static final String FEEDS = """
            version: 1
            feeds:
              - name: lines
                bucket: drop
                key_pattern: "lines/**"
                format: { type: jsonl }
                mapping:
                  event_type: N
                  stream_id: "n-{i}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                  payload: { include: all, fields: { d: { type: decimal } } }
                table: events
                shared_streams: true
                batch_size: 50
              - name: array
                bucket: drop
                key_pattern: "array/**"
                format: { type: json_array }
                mapping:
                  event_type: N
                  stream_id: "n-{i}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                  payload: { include: all, fields: { d: { type: decimal } } }
                table: events
                shared_streams: true
                batch_size: 50
              - name: sheet
                bucket: drop
                key_pattern: "sheet/**"
                format: { type: csv }
                mapping:
                  event_type: N
                  stream_id: "n-{i}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                  payload: { include: all, fields: { v: { type: decimal }, d: { type: decimal }, j: { type: json } } }
                table: events
                shared_streams: true
                batch_size: 50
            messages:
              - name: numbers
                channel: numbers
                mapping:
                  event_type: N
                  stream_id: "m-{i}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: column, column: i }
                  payload: { include: all, fields: { d: { type: decimal } } }
                table: events
                shared_streams: true
            """;

    @TempDir
    static Path dir;
    static DataSource ds;
    static Inlet inlet;
    static LocalFileSource source;
    static List<String> numbers;

    @BeforeAll
    static void setUp() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "numbers-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("numbers").leaseDuration(Duration.ofMinutes(5)).build();
        numbers = randomNumbers(new Random(SEED), COUNT);
    }

    @Test
    void jsonLinesKeepEveryNumberExactlyOrRejectItsRecord() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < numbers.size(); i++) {
            sb.append("{\"i\":\"L").append(i).append("\",\"v\":").append(numbers.get(i)).append(",\"d\":")
                    .append(numbers.get(i)).append(",\"nested\":{\"a\":[").append(numbers.get(i)).append("]}}\n");
        }
        FileReport r = ingest("lines/n.jsonl", sb.toString());
        checkStored(r, "L", List.of("v", "d", "nested,a,0"), true);
    }

    @Test
    void aJsonArrayKeepsEveryNumberExactlyOrRejectsItsRecord() throws Exception {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i++) {
            items.add("{\"i\":\"A" + i + "\",\"v\":" + numbers.get(i) + ",\"d\":" + numbers.get(i) + "}");
        }
        FileReport r = ingest("array/n.json", "[\n" + String.join(",\n", items) + "\n]\n");
        checkStored(r, "A", List.of("v", "d"), true);
    }

    @Test
    void csvDecimalAndJsonCellsKeepEveryNumberExactlyOrRejectTheRecord() throws Exception {
        StringBuilder sb = new StringBuilder("i,v,d,j\n");
        for (int i = 0; i < numbers.size(); i++) {
            String n = numbers.get(i);
            sb.append('C').append(i).append(',').append(n).append(',').append(n).append(",\"[").append(n).append("]\"\n");
        }
        FileReport r = ingest("sheet/n.csv", sb.toString());
        // CSV decimals are written plainly (no exponent): only those must load
        checkStored(r, "C", List.of("v", "d", "j,0"), false);
    }

    @Test
    void messagesKeepEveryNumberExactlyOrFailPermanently() throws Exception {
        Set<Integer> failed = new HashSet<>();
        int n = Math.min(numbers.size(), 60);
        for (int i = 0; i < n; i++) {
            String body = "{\"i\":\"M" + i + "\",\"v\":" + numbers.get(i) + ",\"d\":" + numbers.get(i) + "}";
            try {
                inlet.ingestMessage(new InboundMessage("msg-" + i, "numbers", body, Map.of()));
            } catch (PermanentException e) {
                failed.add(i);
            }
        }
        Map<Integer, Map<String, String>> stored = stored("M", List.of("v", "d"));
        for (int i = 0; i < n; i++) {
            check(i, "M", stored.get(i), failed.contains(i), List.of("v", "d"), true);
        }
    }

    // ------------------------------------------------------------------ the property

    void checkStored(FileReport r, String prefix, List<String> paths, boolean exponentsAllowed) throws Exception {
        assertThat(r.outcome()).as("seed " + SEED).isEqualTo(FileOutcome.COMPLETED);
        Set<Integer> rejected = new HashSet<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT record_number FROM rejected_records WHERE file_id = ?")) {
            ps.setLong(1, r.fileId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rejected.add((int) rs.getLong(1) - 1);
            }
        }
        Map<Integer, Map<String, String>> stored = stored(prefix, paths);
        for (int i = 0; i < numbers.size(); i++) check(i, prefix, stored.get(i), rejected.contains(i), paths, exponentsAllowed);
        assertThat(r.counts().appended() + r.counts().rejected()).isEqualTo(numbers.size());
    }

    void check(int i, String prefix, Map<String, String> stored, boolean rejected, List<String> paths, boolean exponentsAllowed) {
        String input = numbers.get(i);
        String where = "seed " + SEED + ", " + prefix + i + ", input " + abbreviate(input);
        if (rejected) {
            assertThat(stored).as(where + ": rejected, yet stored").isNull();
            assertThat(storable(input, exponentsAllowed)).as(where + ": a number PostgreSQL holds was rejected").isFalse();
            return;
        }
        assertThat(stored).as(where + ": neither stored nor rejected").isNotNull();
        BigDecimal expected = new BigDecimal(input);
        for (String path : paths) {
            String text = stored.get(path);
            assertThat(text).as(where + " at " + path).isNotNull();
            BigDecimal actual = new BigDecimal(text);
            assertThat(actual.compareTo(expected)).as(where + " at " + path + ": stored " + abbreviate(text)).isZero();
            if (expected.scale() >= 0) {
                assertThat(actual.scale()).as(where + " at " + path + ": digits after the point changed").isEqualTo(expected.scale());
            }
        }
    }

    /** What PostgreSQL numeric holds and the readers read (numbers up to 1000 characters). */
    static boolean storable(String input, boolean exponentsAllowed) {
        if (!exponentsAllowed && input.matches(".*[eE].*")) return false;
        if (input.length() > 1000) return false;
        BigDecimal d = new BigDecimal(input);
        return d.precision() - (long) d.scale() <= 131072 && d.scale() <= 16383;
    }

    Map<Integer, Map<String, String>> stored(String prefix, List<String> paths) throws Exception {
        Map<Integer, Map<String, String>> out = new HashMap<>();
        StringBuilder sql = new StringBuilder("SELECT payload->>'i'");
        for (String p : paths) sql.append(", payload #>> '{").append(p).append("}'");
        sql.append(" FROM events WHERE payload->>'i' LIKE ?");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> values = new HashMap<>();
                    for (int k = 0; k < paths.size(); k++) values.put(paths.get(k), rs.getString(k + 2));
                    out.put(Integer.parseInt(rs.getString(1).substring(prefix.length())), values);
                }
            }
        }
        return out;
    }

    FileReport ingest(String key, String content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        ObjectRef ref = source.refFor("drop", file);
        return inlet.ingestFile(ref, source, Deadline.none());
    }

    /** JSON numbers of many shapes: the first ones the cases the defect was seen with. */
    static List<String> randomNumbers(Random random, int count) {
        List<String> out = new ArrayList<>(List.of("1e400", "12345678901234567890.123456789", "-1e-400", "12.50", "-0.0",
                "0", "1e131071", "1e131072", "1e-16383", "1e-16384", "0.1", "1E+2", "-9.99E-3"));
        while (out.size() < count) {
            StringBuilder sb = new StringBuilder();
            if (random.nextInt(3) == 0) sb.append('-');
            int intDigits = random.nextInt(10) == 0 ? 20 + random.nextInt(400) : 1 + random.nextInt(20);
            sb.append(random.nextInt(6) == 0 ? "0" : String.valueOf(1 + random.nextInt(9)));
            if (sb.charAt(sb.length() - 1) != '0') for (int k = 1; k < intDigits; k++) sb.append(random.nextInt(10));
            if (random.nextBoolean()) {
                sb.append('.');
                int fraction = random.nextInt(10) == 0 ? 30 + random.nextInt(300) : 1 + random.nextInt(12);
                for (int k = 0; k < fraction; k++) sb.append(random.nextInt(10));
                if (random.nextInt(4) == 0) sb.append("000");
            }
            if (random.nextInt(3) == 0) {
                sb.append(random.nextBoolean() ? 'e' : 'E');
                int shape = random.nextInt(10);
                boolean negative = random.nextBoolean();
                if (random.nextBoolean()) sb.append(negative ? '-' : '+');
                else if (negative) sb.append('-');
                long exponent = switch (shape) {
                    case 0 -> 300 + random.nextInt(200);           // beyond a double
                    case 1 -> negative ? 16000 + random.nextInt(800) : 130500 + random.nextInt(1200); // numeric's edge
                    case 2 -> 200000 + random.nextInt(1000);       // beyond numeric
                    default -> random.nextInt(25);
                };
                sb.append(exponent);
            }
            out.add(sb.toString());
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 30) + "...(" + s.length() + " chars)" : s;
    }
}
