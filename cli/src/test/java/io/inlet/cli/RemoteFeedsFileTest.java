package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code --feeds s3://bucket/key | gs://bucket/key} (issue 14.2): the CLI reads the feeds file the functions
 * read, from S3Proxy and google-cloud-nio's in-memory GCS, through the same readers as the functions.
 */
class RemoteFeedsFileTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FEEDS = BucketIngestTest.FEEDS.formatted("vendor-drop");

    static S3Client s3;
    static String endpoint;

    @BeforeAll
    static void emulator() throws Exception {
        s3 = TestS3.get().client;
        endpoint = TestS3.get().endpoint;
    }

    static String s3Feeds() {
        String bucket = "config-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("inlet/feeds.yaml"), RequestBody.fromString(FEEDS));
        return "s3://" + bucket + "/inlet/feeds.yaml";
    }

    @Test
    void feedsCheckReadsAFeedsFileFromS3() throws Exception {
        String location = s3Feeds();

        CliRun r = CliRun.of("feeds", "check", "--feeds", location, "--feeds-endpoint", endpoint, "--json");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.path("feedsFile").asText()).isEqualTo(location);
        assertThat(doc.path("feeds").get(0).path("name").asText()).isEqualTo("orders");
        assertThat(doc.path("feeds").get(0).path("table").asText()).isEqualTo("order_events");
    }

    @Test
    void migrateCreatesTheEventTablesOfAFeedsFileInGcs() throws Exception {
        String bucket = "config-" + UUID.randomUUID().toString().substring(0, 8);
        TestStorage.STORAGE.create(BlobInfo.newBuilder(BlobId.of(bucket, "feeds.yaml")).build(), FEEDS.getBytes(StandardCharsets.UTF_8));
        DataSource ds = TestDatabase.fresh();
        String url = TestDatabase.settingsFor(ds).url();

        CliRun r = CliRun.of("migrate", "--feeds", "gs://" + bucket + "/feeds.yaml", "--database-url", url);

        assertThat(r.code()).as(r.err()).isZero();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('order_events') IS NOT NULL")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    void aMissingObjectIsAConfigurationErrorNamingIt() {
        String location = s3Feeds().replace("feeds.yaml", "nope.yaml");

        CliRun r = CliRun.of("feeds", "check", "--feeds", location, "--feeds-endpoint", endpoint);

        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains("feeds file '" + location + "' could not be read");
    }

    @Test
    void aBucketLocationWithoutAKeyIsAUsageError() {
        CliRun r = CliRun.of("feeds", "check", "--feeds", "gs://config-only/");

        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--feeds 'gs://config-only/' is not gs://bucket/key");
    }

    @Test
    void anInvalidRemoteFeedsFileNamesTheLocationAndTheField() {
        String bucket = "config-" + UUID.randomUUID().toString().substring(0, 8);
        TestStorage.STORAGE.create(BlobInfo.newBuilder(BlobId.of(bucket, "feeds.yaml")).build(),
                FEEDS.replace("table: order_events", "table: 1bad").getBytes(StandardCharsets.UTF_8));

        CliRun r = CliRun.of("feeds", "check", "--feeds", "gs://" + bucket + "/feeds.yaml");

        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains("gs://" + bucket + "/feeds.yaml").contains("table");
    }
}
