package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.db.KeptConnection;
import io.inlet.gcp.decode.MessagePublishedDecoder;
import io.inlet.testing.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18.2 on the GCP side: the instance's one database connection serves every invocation of
 * {@link PubSubEventFunction} (real messagePublished CloudEvents) and is replaced when its backend was
 * killed between invocations, before any statement of the next one.
 */
class KeptConnectionAcrossInvocationsTest {

    static final String FEEDS = """
            version: 1
            messages:
              - name: intake
                channel: intake
                format: json
                mapping:
                  event_type: { column: type }
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: downstream_events
            """;

    @TempDir
    Path dir;
    DataSource raw;
    KeptConnection kept;
    GcpRuntime runtime;
    Connection observer;

    @BeforeEach
    void runtime() throws Exception {
        raw = TestDatabase.fresh("downstream_events");
        kept = new KeptConnection(raw);
        Path feeds = Files.writeString(dir.resolve("feeds.yaml"), FEEDS);
        GcpSettings settings = new GcpSettings(feeds.toString(), "jdbc:postgresql://test/inlet", null, null, Map.of(), Set.of(),
                "intake", null, Duration.ofSeconds(60));
        runtime = GcpRuntime.create(settings, LocalStorageHelper.getOptions().getService(), kept);
        observer = raw.getConnection();
    }

    @AfterEach
    void close() throws Exception {
        observer.close();
        runtime.close();
    }

    @Test
    void everyInvocationUsesTheSameBackend() throws Exception {
        PubSubEventFunction function = new PubSubEventFunction(runtime);
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            function.accept(messagePublished());
            pids.add(single(backends()));
        }

        assertThat(pids).containsOnly(pids.get(0));
        assertThat(kept.opened()).isEqualTo(1);
        assertThat(rows()).isEqualTo(30);
    }

    @Test
    void aBackendKilledBetweenInvocationsIsReplacedTransparently() throws Exception {
        PubSubEventFunction function = new PubSubEventFunction(runtime);
        function.accept(messagePublished());
        int before = single(backends());
        try (Statement s = observer.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + before + ")");
        }
        awaitGone(before);
        // the next invocation comes after a pause: a connection back for less than the quiet time is lent unchecked
        Thread.sleep(KeptConnection.DEFAULT_QUIET_BEFORE_CHECK_MILLIS + 50);

        function.accept(messagePublished()); // throws (the message would be redelivered) if it met the dead connection

        assertThat(rows()).isEqualTo(2);
        assertThat(single(backends())).isNotEqualTo(before);
        assertThat(kept.replaced()).isEqualTo(1);
    }

    /** The CloudEvent Eventarc delivers for one message of the intake topic. */
    static CloudEvent messagePublished() {
        String id = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"OrderPlaced\",\"order_id\":\"" + id.substring(0, 8)
                + "\",\"at\":\"2026-11-20T09:00:00Z\"}";
        String data = "{\"subscription\":\"projects/p/subscriptions/eventarc-intake\",\"message\":{\"data\":\""
                + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\",\"messageId\":\"" + id
                + "\",\"publishTime\":\"2026-11-20T09:00:00Z\"}}";
        return CloudEventBuilder.v1().withId(id).withType(MessagePublishedDecoder.TYPE)
                .withSource(URI.create("//pubsub.googleapis.com/projects/p/topics/intake"))
                .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
    }

    private long rows() throws SQLException {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM inlet.downstream_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int single(List<Integer> pids) {
        assertThat(pids).as("backends of the function besides the observer").hasSize(1);
        return pids.get(0);
    }

    private void awaitGone(int pid) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backends().contains(pid)) {
            if (System.nanoTime() > until) throw new AssertionError("backend " + pid + " still there");
            Thread.sleep(10);
        }
    }

    private List<Integer> backends() throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Statement s = observer.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY pid")) {
            while (rs.next()) pids.add(rs.getInt(1));
        }
        return pids;
    }
}
