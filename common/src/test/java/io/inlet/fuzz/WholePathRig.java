package io.inlet.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileReport;
import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The real file path for one fuzz input at a time: one embedded PostgreSQL database per JVM, reset
 * before each input (ledger, rejects, outbox emptied; the event table dropped and created again, as
 * event tables refuse TRUNCATE), an {@link Inlet} over the fuzz feeds, and an in-memory
 * {@link ObjectSource} holding the input's bytes. After the attempt it reads back what PostgreSQL holds.
 */
final class WholePathRig {

    private static WholePathRig instance;

    private final DataSource ds;
    private final Inlet inlet;

    private WholePathRig() {
        allowDatabaseConnections();
        ds = TestDatabase.fresh(FuzzFeeds.TABLE);
        inlet = Inlet.builder().dataSource(ds).feeds(FuzzFeeds.REGISTRY).workerId("fuzz")
                .leaseDuration(Duration.ofMinutes(5)).build();
    }

    /**
     * Jazzer's SSRF detector would take the database connection for a finding: allow the test
     * server only. Said again before each input, as Jazzer's JUnit run resets the policy when it
     * moves from the seeds to fuzzing.
     */
    private static void allowDatabaseConnections() {
        if (UNDER_JAZZER) BugDetectors.allowNetworkConnections((host, port) -> databaseHost(host));
    }

    private static final boolean UNDER_JAZZER = underJazzer();

    /** Whether Jazzer's agent (and its detectors) runs here; not in {@link WholePathReplay}. */
    private static boolean underJazzer() {
        try {
            Class.forName("com.code_intelligence.jazzer.sanitizers.ServerSideRequestForgery");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean databaseHost(String host) {
        if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) return true;
        String url = System.getenv("INLET_DATABASE_URL");
        return url != null && url.contains("//" + host);
    }

    static synchronized WholePathRig get() {
        if (instance == null) instance = new WholePathRig();
        return instance;
    }

    /** What one attempt left: the report or the exception that escaped, and the database's rows. */
    record Result(FileReport report, Throwable thrown, Ledger ledger, Map<Long, Reject> rejects,
                  Map<UUID, StoredEvent> events, long outboxRows) {
    }

    record Ledger(String status, long read, long appended, long duplicate, long conflict, long rejected, String firstError) {
        boolean balanced() {
            return read == appended + duplicate + conflict + rejected;
        }
    }

    record Reject(long recordNumber, String kind, String field, String reason) {
    }

    record StoredEvent(UUID id, String streamId, String eventType, Instant occurredAt, JsonNode payload) {
    }

    /** Reads jsonb back exactly: numbers as BigDecimal with their scale (a default node factory turns 0.00 into 0). */
    static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** Ingests {@code bytes} as {@code key} through the real path and reads back what was stored. */
    Result ingest(String key, byte[] bytes) {
        allowDatabaseConnections();
        reset();
        ObjectRef ref = ref(key, bytes);
        ObjectSource source = new BytesSource(ref, bytes);
        FileReport report = null;
        Throwable thrown = null;
        try {
            report = inlet.ingestFile(ref, source, Deadline.none());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            thrown = e;
        }
        return read(report, thrown);
    }

    static ObjectRef ref(String key, byte[] bytes) {
        return new ObjectRef(FuzzFeeds.BUCKET, key, null, "etag-" + bytes.length, (long) bytes.length);
    }

    private void reset() {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE inlet.outbox, inlet.rejected_records, inlet.ingest_slices, inlet.ingest_lanes, "
                    + "inlet.ingested_files CASCADE");
            s.execute("DROP TABLE inlet." + FuzzFeeds.TABLE);
            s.execute("SELECT inlet.create_event_table('" + FuzzFeeds.TABLE + "')");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset the fuzz database: " + e.getMessage(), e);
        }
    }

    private Result read(FileReport report, Throwable thrown) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            Ledger ledger = null;
            try (ResultSet rs = s.executeQuery("SELECT status, records_read, appended, duplicate, conflict, rejected, "
                    + "first_error FROM inlet.ingested_files")) {
                if (rs.next()) {
                    ledger = new Ledger(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getString(7));
                }
                if (rs.next()) throw new IllegalStateException("more than one ledger row for one file");
            }
            Map<Long, Reject> rejects = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT record_number, kind, field, reason FROM inlet.rejected_records")) {
                while (rs.next()) {
                    Reject r = new Reject(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
                    if (rejects.put(r.recordNumber(), r) != null) throw new IllegalStateException("two rejects of one record");
                }
            }
            Map<UUID, StoredEvent> events = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT event_id, stream_id, event_type, occurred_at, payload::text FROM inlet."
                    + FuzzFeeds.TABLE + " ORDER BY position")) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    events.put(id, new StoredEvent(id, rs.getString(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class).toInstant(), JSON.readTree(rs.getString(5))));
                }
            }
            long outbox;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM inlet.outbox WHERE destination = 'fuzz-out'")) {
                rs.next();
                outbox = rs.getLong(1);
            }
            return new Result(report, thrown, ledger, rejects, events, outbox);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read back the fuzz database: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@link ObjectSource} contract over bytes in memory: whole and ranged reads, one object, gone otherwise. */
    record BytesSource(ObjectRef ref, byte[] bytes) implements ObjectSource {
        @Override
        public InputStream open(ObjectRef r, long fromByte) throws IOException {
            if (!r.bucket().equals(ref.bucket()) || !r.key().equals(ref.key())) throw new ObjectGoneException("no such object: " + r.displayName());
            if (fromByte < 0) throw new IOException("negative offset " + fromByte);
            int from = (int) Math.min(fromByte, bytes.length);
            return new ByteArrayInputStream(bytes, from, bytes.length - from);
        }
    }
}
