package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.Inlet;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.aws.decode.S3EventDecoder;
import io.inlet.aws.s3.S3ObjectSource;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.gcp.storage.GcsObjectSource;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * {@code inlet ingest s3://... | gs://...} against S3Proxy and google-cloud-nio's in-memory GCS: the
 * CLI reads through the functions' ObjectSource and names each object as its notification does, so
 * a file the function path loaded is, to the CLI, that same ledger row.
 */
class BucketIngestTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static S3Client s3;
    static String endpoint;

    @TempDir
    Path tmp;
    DataSource ds;
    String url;
    Path feeds;

    /** Position ids: a second identity of the same bytes would append every record again. */
    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: %s
                key_pattern: "orders/**"
                format: { type: csv, header: true }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"], zone: UTC }
                  id: { strategy: position }
                table: order_events
            """;

    @BeforeAll
    static void emulator() throws Exception {
        s3 = TestS3.get().client;
        endpoint = TestS3.get().endpoint;
    }

    @BeforeEach
    void database() throws Exception {
        ds = TestDatabase.fresh("order_events");
        url = TestDatabase.settingsFor(ds).url();
    }

    record Run(int code, String out) {
    }

    static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code = InletCli.execute(args);
            String out = buf.toString(StandardCharsets.UTF_8);
            // the session as the docs quote it (docs/operations.md)
            System.err.println("$ inlet " + String.join(" ", args) + "\n" + out + "(exit " + code + ")");
            return new Run(code, out);
        } finally {
            System.setOut(original);
        }
    }

    Path feeds(String bucket) throws Exception {
        Path f = tmp.resolve("feeds-" + bucket + ".yaml");
        Files.writeString(f, FEEDS.formatted(bucket));
        return f;
    }

    static String csv(String... ids) {
        StringBuilder b = new StringBuilder("order_id,at\n");
        for (String id : ids) b.append(id).append(",2026-11-20T06:00:00Z\n");
        return b.toString();
    }

    long scalar(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The S3 notification S3 sends for a single-part PUT: the key form-URL-encoded, the ETag the hex MD5, unquoted. */
    static String s3Notification(String bucket, String key, String versionId, byte[] body, String sequencer) throws Exception {
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        String object = "{\"key\":\"" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8) + "\",\"size\":" + body.length
                + ",\"eTag\":\"" + etag + "\"" + (versionId == null ? "" : ",\"versionId\":\"" + versionId + "\"")
                + ",\"sequencer\":\"" + sequencer + "\"}";
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2026-11-20T06:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\","
                + "\"bucket\":{\"name\":\"" + bucket + "\",\"arn\":\"arn:aws:s3:::" + bucket + "\"},\"object\":" + object + "}}]}";
    }

    /** What the AWS functions do with a notification: decode it, then ingest through S3ObjectSource. */
    FileReport viaFunction(Path feedsFile, String notification) {
        ObjectNotice notice = (ObjectNotice) S3EventDecoder.decode(new LambdaEventJson().s3Event(notification), null).get(0);
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(FeedRegistry.load(feedsFile)).workerId("function").build();
        return inlet.ingestFile(notice.ref(), new S3ObjectSource(s3), Deadline.none(), notice.sequencer());
    }

    @Test
    void aReplayThroughTheCliOfAnObjectTheFunctionLoadedAppendsNothing() throws Exception {
        String bucket = "replay-drop";
        s3.createBucket(b -> b.bucket(bucket));
        byte[] a = csv("1", "2").getBytes(StandardCharsets.UTF_8);
        s3.putObject(b -> b.bucket(bucket).key("orders/2026 11/a+b.csv"), RequestBody.fromBytes(a));
        s3.putObject(b -> b.bucket(bucket).key("orders/c.csv"), RequestBody.fromString(csv("3")));
        s3.putObject(b -> b.bucket(bucket).key("other/readme.txt"), RequestBody.fromString("not a feed's"));
        Path f = feeds(bucket);

        FileReport function = viaFunction(f, s3Notification(bucket, "orders/2026 11/a+b.csv", null, a, "0062E99A88DC407460"));
        assertThat(function.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(function.counts().appended()).isEqualTo(2);

        Run cli = run("ingest", "s3://" + bucket + "/", "--endpoint", endpoint, "--feeds", f.toString(), "--database-url", url,
                "--json");
        assertThat(cli.code()).as(cli.out()).isZero();
        JsonNode objects = JSON.readTree(cli.out()).get("objects");
        assertThat(objects).hasSize(3);
        assertThat(objects.get(0).get("key").asText()).isEqualTo("orders/2026 11/a+b.csv");
        assertThat(objects.get(0).get("outcome").asText()).isEqualTo("ALREADY_COMPLETED");
        assertThat(objects.get(0).get("fileId").asLong()).isEqualTo(function.fileId());
        assertThat(objects.get(1).get("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(objects.get(1).get("appended").asLong()).isEqualTo(1);
        assertThat(objects.get(2).get("outcome").asText()).isEqualTo("SKIPPED");
        assertThat(scalar("SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(scalar("SELECT count(*) FROM ingested_files")).isEqualTo(2);

        // and the other way round: the function's notification of the file the CLI loaded appends nothing
        byte[] c = csv("3").getBytes(StandardCharsets.UTF_8);
        FileReport again = viaFunction(f, s3Notification(bucket, "orders/c.csv", null, c, "0062E99A88DC407470"));
        assertThat(again.outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(scalar("SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(scalar("SELECT count(*) FROM ingested_files")).isEqualTo(2);
    }

    @Test
    void oneVersionIsThatVersionAndThePrefixTakesTheNewest() throws Exception {
        String bucket = "versioned-replay";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        byte[] first = csv("1").getBytes(StandardCharsets.UTF_8);
        String v1 = s3.putObject(b -> b.bucket(bucket).key("orders/f.csv"), RequestBody.fromBytes(first)).versionId();
        String v2 = s3.putObject(b -> b.bucket(bucket).key("orders/f.csv"), RequestBody.fromString(csv("1", "2"))).versionId();
        Path f = feeds(bucket);
        assertThat(viaFunction(f, s3Notification(bucket, "orders/f.csv", v1, first, "0062E99A88DC407460")).outcome())
                .isEqualTo(FileOutcome.COMPLETED);

        Run one = run("ingest", "s3://" + bucket + "/orders/f.csv?versionId=" + v1, "--endpoint", endpoint, "--feeds", f.toString(),
                "--database-url", url, "--json");
        JsonNode o = JSON.readTree(one.out()).get("objects").get(0);
        assertThat(o.get("version").asText()).isEqualTo(v1);
        assertThat(o.get("outcome").asText()).isEqualTo("ALREADY_COMPLETED");

        Run dry = run("ingest", "s3://" + bucket + "/orders/", "--dry-run", "--endpoint", endpoint, "--feeds", f.toString(),
                "--database-url", url, "--json");
        JsonNode d = JSON.readTree(dry.out());
        assertThat(d.get("wouldIngest").asInt()).isEqualTo(1);
        assertThat(d.get("objects").get(0).get("version").asText()).isEqualTo(v2);
        assertThat(d.get("objects").get(0).get("ledger").asText()).isEqualTo("OVERWRITTEN");
        assertThat(scalar("SELECT count(*) FROM ingested_files")).as("a dry run writes nothing").isEqualTo(1);

        Run newest = run("ingest", "s3://" + bucket + "/orders/", "--endpoint", endpoint, "--feeds", f.toString(),
                "--database-url", url);
        assertThat(newest.code()).as(newest.out()).isZero();
        assertThat(newest.out()).contains("orders/f.csv").contains("COMPLETED");
        assertThat(scalar("SELECT count(*) FROM ingested_files WHERE version_id = '" + v2 + "' AND status = 'COMPLETED'")).isEqualTo(1);
        // position ids: the new version's records are new events (1 + 2)
        assertThat(scalar("SELECT count(*) FROM order_events")).isEqualTo(3);
    }

    @Test
    void theWindowSelectsOnLastModifiedTime() throws Exception {
        String bucket = "window-drop";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("orders/a.csv"), RequestBody.fromString(csv("1")));
        Path f = feeds(bucket);
        Run future = run("ingest", "s3://" + bucket + "/orders/", "--since", "2999-01-01", "--endpoint", endpoint,
                "--feeds", f.toString(), "--database-url", url, "--json");
        assertThat(future.code()).isZero();
        assertThat(JSON.readTree(future.out()).get("objects")).isEmpty();
        Run past = run("ingest", "s3://" + bucket + "/orders/", "--since", "7d", "--until", "2999-01-01T00:00:00Z",
                "--endpoint", endpoint, "--feeds", f.toString(), "--database-url", url, "--json");
        assertThat(JSON.readTree(past.out()).get("objects")).hasSize(1);
        assertThat(run("ingest", "s3://" + bucket + "/orders/", "--since", "2999-01-01", "--until", "2000-01-01",
                "--endpoint", endpoint, "--feeds", f.toString(), "--database-url", url).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("ingest", "s3://" + bucket + "/orders/", "--since", "yesterday", "--feeds", f.toString(),
                "--database-url", url).code()).isEqualTo(ExitCodes.USAGE);
    }

    /** `inlet validate s3://...`: the dry run reads the object through the functions' source, writes nothing, and knows the ledger's row. */
    @Test
    void validateOfABucketObjectWritesNothingAndSeesWhatIngestWouldDo() throws Exception {
        String bucket = "validate-drop";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("orders/v.csv"), RequestBody.fromString(csv("v1", "v2") + "x,not-a-time\n"));
        Path f = feeds(bucket);
        Run before = run("validate", "s3://" + bucket + "/orders/v.csv", "--endpoint", endpoint, "--feeds", f.toString(),
                "--database-url", url, "--json");
        JsonNode dry = JSON.readTree(before.out());
        assertThat(before.code()).as(before.out()).isEqualTo(1); // one reject is a finding
        assertThat(dry.get("wouldAppend").asLong()).isEqualTo(2);
        assertThat(dry.get("rejects")).hasSize(1);
        assertThat(scalar("SELECT count(*) FROM order_events")).as("a dry run writes nothing").isZero();
        assertThat(scalar("SELECT count(*) FROM ingested_files")).isZero();

        assertThat(run("ingest", "s3://" + bucket + "/orders/v.csv", "--endpoint", endpoint, "--feeds", f.toString(),
                "--database-url", url).code()).as("a completed file with a reject is no failure of ingest").isZero();
        JsonNode after = JSON.readTree(run("validate", "s3://" + bucket + "/orders/v.csv", "--endpoint", endpoint, "--feeds",
                f.toString(), "--database-url", url, "--json").out());
        assertThat(after.get("ledger").asText()).as("the same identity as the ingest: the ledger's row").isEqualTo("COMPLETED");
        assertThat(after.get("wouldAppend").asLong()).isZero();
        assertThat(after.get("duplicates").asLong()).isEqualTo(2);
        assertThat(run("validate", "s3://" + bucket + "/orders/none.csv", "--endpoint", endpoint, "--feeds", f.toString(),
                "--database-url", url).code()).as("no such object").isEqualTo(2);
    }

    @Test
    void manyObjectsAtOnceEachGetItsReport() throws Exception {
        String bucket = "many-drop";
        s3.createBucket(b -> b.bucket(bucket));
        for (int i = 0; i < 12; i++) {
            String key = "orders/f" + i + ".csv";
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(csv("a" + key, "b" + key)));
        }
        s3.putObject(b -> b.bucket(bucket).key("orders/bad.csv"), RequestBody.fromString("order_id,at\nx,not-a-time\n"));
        Path f = feeds(bucket);
        Run r = run("ingest", "s3://" + bucket + "/orders/", "--parallel", "4", "--endpoint", endpoint, "--feeds", f.toString(),
                "--database-url", url, "--json");
        JsonNode objects = JSON.readTree(r.out()).get("objects");
        assertThat(objects).hasSize(13);
        assertThat(objects.findValuesAsText("outcome")).containsOnly("COMPLETED");
        assertThat(objects.findValues("rejected").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(1);
        assertThat(r.code()).isZero();
        assertThat(scalar("SELECT count(*) FROM order_events")).isEqualTo(24);
    }

    @Test
    void aGcsObjectHasTheIdentityOfItsStorageNotification() throws Exception {
        String bucket = "gcs-replay";
        byte[] a = csv("1", "2").getBytes(StandardCharsets.UTF_8);
        Blob blob = TestStorage.STORAGE.create(BlobInfo.newBuilder(BlobId.of(bucket, "orders/a.csv")).build(), a);
        TestStorage.STORAGE.create(BlobInfo.newBuilder(BlobId.of(bucket, "orders/b.csv")).build(), csv("3").getBytes(StandardCharsets.UTF_8));
        Path f = feeds(bucket);
        // the notification carries the object resource as the store has it; google-cloud-nio's fake keeps no
        // generation and no hashes (real GCS always has both: GcsObjectListerTest covers that mapping)
        StringBuilder data = new StringBuilder("{\"bucket\":\"" + bucket + "\",\"name\":\"orders/a.csv\",\"size\":\"" + a.length + "\"");
        if (blob.getGeneration() != null) data.append(",\"generation\":\"").append(blob.getGeneration()).append('"');
        if (blob.getMd5() != null) data.append(",\"md5Hash\":\"").append(blob.getMd5()).append('"');
        if (blob.getCrc32c() != null) data.append(",\"crc32c\":\"").append(blob.getCrc32c()).append('"');
        data.append('}');
        var notice = StorageEventDecoder.decode(CloudEventBuilder.v1().withId("ev-1")
                .withType(StorageEventDecoder.FINALIZED).withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + bucket))
                .withSubject("objects/orders/a.csv").withData("application/json", data.toString().getBytes(StandardCharsets.UTF_8)).build());
        assertThat(notice).as(data.toString()).isInstanceOf(ObjectNotice.class);
        var decoded = (ObjectNotice) notice;
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(FeedRegistry.load(f)).workerId("function").build();
        FileReport function = inlet.ingestFile(decoded.ref(), new GcsObjectSource(TestStorage.STORAGE), Deadline.none(),
                decoded.sequencer());
        assertThat(function.outcome()).isEqualTo(FileOutcome.COMPLETED);

        Run cli = run("ingest", "gs://" + bucket + "/orders/", "--feeds", f.toString(), "--database-url", url, "--json");
        assertThat(cli.code()).as(cli.out()).isZero();
        JsonNode objects = JSON.readTree(cli.out()).get("objects");
        assertThat(objects.findValuesAsText("outcome")).containsExactly("ALREADY_COMPLETED", "COMPLETED");
        if (blob.getGeneration() != null) {
            Run one = run("ingest", "gs://" + bucket + "/orders/a.csv#" + blob.getGeneration(), "--feeds", f.toString(),
                    "--database-url", url, "--json");
            assertThat(JSON.readTree(one.out()).get("objects").get(0).get("outcome").asText()).isEqualTo("ALREADY_COMPLETED");
        }
        assertThat(scalar("SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(run("ingest", "gs://" + bucket + "/orders/a.csv#x1", "--feeds", f.toString(), "--database-url", url).code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("ingest", "gs://" + bucket + "/orders/nothing.csv#12", "--feeds", f.toString(), "--database-url", url).code())
                .isEqualTo(ExitCodes.USAGE);
    }
}
