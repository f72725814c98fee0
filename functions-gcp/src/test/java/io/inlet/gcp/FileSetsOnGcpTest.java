package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.testing.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest-gated file set through the GCS object function on the GCS test storage: the manifest
 * comes first, the members after it; nothing is visible until the last listed member arrives, then
 * everything is; the arrival check on GCP then has nothing to report.
 */
class FileSetsOnGcpTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: drops
                bucket: vendor-sets
                key_pattern: "drops/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                table: order_events
                set: { manifest: manifest.json, timeout: 2h }
                derived: [ { events: summary, destination: ops } ]
              - name: marked
                bucket: vendor-sets
                key_pattern: "marked/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "marked:order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                table: order_events
                set: { marker: _SUCCESS, timeout: 2h }
            """;

    @TempDir
    Path dir;

    @Test
    void aManifestBeforeItsMembersLoadsTheSetWhenTheLastListedMemberIsNotified() throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        Path feeds = Files.writeString(dir.resolve("feeds.yaml"), FEEDS);
        Storage storage = LocalStorageHelper.getOptions().getService();
        GcpRuntime runtime = GcpRuntime.create(GcpSettings.fromEnvironment(Map.of("INLET_FEEDS", feeds.toString(),
                "INLET_DATABASE_URL", "jdbc:postgresql://unused/inlet")), storage, db);
        GcsObjectFunction function = new GcsObjectFunction(runtime);
        String a = "order_id,amount,at\n1,2,2026-12-06T01:00:00Z\n2,3,2026-12-06T01:00:00Z\n";
        String b = "order_id,amount,at\n3,4,2026-12-06T01:00:00Z\n";

        function.accept(finalized(storage, "drops/d1/manifest.json", "{\"members\": [{\"name\": \"a.csv\", \"size\": "
                + a.length() + "}, {\"name\": \"b.csv\", \"size\": " + b.length() + "}]}"));
        function.accept(finalized(storage, "drops/d1/a.csv", a));
        assertThat(count(db, "SELECT count(*) FROM order_events")).isZero();
        function.accept(finalized(storage, "drops/d1/b.csv", b));

        assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(count(db, "SELECT count(*) FROM ingested_files WHERE status = 'COMPLETED'")).isEqualTo(3);
        assertThat(new ArrivalCheckFunction(runtime).check().anything()).isFalse();
    }

    @Test
    void aMarkerNotifiedBeforeItsMembersLoadsEveryMemberInTheBucketOnceAndTheirNotificationsAreDuplicates() throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        Path feeds = Files.writeString(dir.resolve("feeds.yaml"), FEEDS);
        Storage storage = LocalStorageHelper.getOptions().getService();
        GcpRuntime runtime = GcpRuntime.create(GcpSettings.fromEnvironment(Map.of("INLET_FEEDS", feeds.toString(),
                "INLET_DATABASE_URL", "jdbc:postgresql://unused/inlet")), storage, db);
        GcsObjectFunction function = new GcsObjectFunction(runtime);
        CloudEvent a = asStored(storage, "marked/d1/a.csv", "order_id,amount,at\n21,2,2026-12-06T01:00:00Z\n22,3,2026-12-06T01:00:00Z\n");
        CloudEvent b = asStored(storage, "marked/d1/b.csv", "order_id,amount,at\n23,4,2026-12-06T01:00:00Z\n");
        CloudEvent marker = asStored(storage, "marked/d1/_SUCCESS", "");

        function.accept(marker);
        assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(3);
        function.accept(b);
        function.accept(a);
        function.accept(marker);

        assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(count(db, "SELECT count(*) FROM file_sets WHERE prefix = 'marked/d1/'")).isEqualTo(1);
        assertThat(count(db, "SELECT count(*) FROM ingested_files WHERE object_key LIKE 'marked/d1/%'"))
                .as("one ledger row per object: the listing's identity is the notification's").isEqualTo(3);
        assertThat(count(db, "SELECT count(*) FROM ingested_files WHERE object_key LIKE 'marked/d1/%' AND status = 'COMPLETED'"))
                .isEqualTo(3);
    }

    /**
     * Writes the object and builds its finalize notification from the object resource as the store
     * keeps it (google-cloud-nio's fake keeps no generation and no hashes; real GCS always has both,
     * GcsObjectListerTest covers that mapping).
     */
    private static CloudEvent asStored(Storage storage, String key, String body) {
        Blob blob = storage.create(BlobInfo.newBuilder("vendor-sets", key).build(), body.getBytes(StandardCharsets.UTF_8));
        var json = new ObjectMapper().createObjectNode().put("bucket", "vendor-sets").put("name", key)
                .put("size", String.valueOf(body.getBytes(StandardCharsets.UTF_8).length));
        if (blob.getGeneration() != null) json.put("generation", String.valueOf(blob.getGeneration()));
        if (blob.getMd5() != null) json.put("md5Hash", blob.getMd5());
        if (blob.getCrc32c() != null) json.put("crc32c", blob.getCrc32c());
        return CloudEventBuilder.v1().withId("ev-" + key).withType(StorageEventDecoder.FINALIZED)
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/vendor-sets")).withSubject("objects/" + key)
                .withData("application/json", json.toString().getBytes(StandardCharsets.UTF_8)).build();
    }

    /** google-cloud-nio's test Storage reports no generation; a notification always carries one. */
    private static final java.util.concurrent.atomic.AtomicLong GENERATIONS = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000L);

    private static CloudEvent finalized(Storage storage, String key, String body) throws Exception {
        Blob blob = storage.create(BlobInfo.newBuilder("vendor-sets", key).build(), body.getBytes(StandardCharsets.UTF_8));
        var json = new ObjectMapper().createObjectNode().put("bucket", "vendor-sets").put("name", key)
                .put("generation", String.valueOf(blob.getGeneration() != null ? blob.getGeneration() : GENERATIONS.incrementAndGet())).put("metageneration", "1")
                .put("size", String.valueOf(body.getBytes(StandardCharsets.UTF_8).length))
                .put("md5Hash", java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5")
                        .digest(body.getBytes(StandardCharsets.UTF_8))));
        return CloudEventBuilder.v1().withId("ev-" + key).withType(StorageEventDecoder.FINALIZED)
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/vendor-sets")).withSubject("objects/" + key)
                .withData("application/json", json.toString().getBytes(StandardCharsets.UTF_8)).build();
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
