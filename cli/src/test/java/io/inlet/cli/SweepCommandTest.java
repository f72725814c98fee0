package io.inlet.cli;

import static io.inlet.cli.BucketIngestTest.JSON;
import static io.inlet.cli.BucketIngestTest.csv;
import static io.inlet.cli.BucketIngestTest.run;
import static io.inlet.cli.BucketIngestTest.s3Notification;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.Inlet;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.aws.decode.S3EventDecoder;
import io.inlet.aws.s3.S3ObjectSource;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code inlet sweep}, and the runbook procedure "missed notification" (docs/operations.md)
 * followed step by step: sweep, read the report, redrive, sweep again and find nothing.
 */
class SweepCommandTest {

    @TempDir
    Path tmp;
    DataSource ds;
    String url;
    S3Client s3;
    String endpoint;

    @BeforeEach
    void setUp() throws Exception {
        ds = TestDatabase.fresh("order_events");
        url = TestDatabase.settingsFor(ds).url();
        s3 = TestS3.get().client;
        endpoint = TestS3.get().endpoint;
    }

    private Path feeds(String bucket) throws Exception {
        Path f = tmp.resolve("feeds.yaml");
        Files.writeString(f, BucketIngestTest.FEEDS.formatted(bucket));
        return f;
    }

    private void viaFunction(Path feeds, String bucket, String key, byte[] body, String sequencer) throws Exception {
        ObjectNotice n = (ObjectNotice) S3EventDecoder.decode(new LambdaEventJson().s3Event(s3Notification(bucket, key, null, body, sequencer)), null).get(0);
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(FeedRegistry.load(feeds)).workerId("function").build();
        assertThat(inlet.ingestFile(n.ref(), new S3ObjectSource(s3), Deadline.none(), n.sequencer()).outcome())
                .isEqualTo(FileOutcome.COMPLETED);
    }

    /** A claim whose holder died: an IN_PROGRESS row with an expired lease, as a crashed function leaves it. */
    private void crashedClaim(String bucket, String key, byte[] body) throws Exception {
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ingested_files (feed, bucket, object_key, etag, size_bytes, status, lease_owner, lease_expires_at,
                                            attempts, correlation_id)
                VALUES ('orders', ?, ?, ?, ?, 'IN_PROGRESS', 'function-crashed', now() - interval '1 hour', 1, 'c-1')""")) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.setString(3, etag);
            ps.setLong(4, body.length);
            ps.executeUpdate();
        }
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void receiptsAndControlSidecarsOfTheFeedsAreNeverFindings() throws Exception {
        String bucket = "sweep-control";
        s3.createBucket(b -> b.bucket(bucket));
        Files.writeString(tmp.resolve("feeds.yaml"), BucketIngestTest.FEEDS.formatted(bucket)
                + "    receipts: { prefix: orders/receipts/ }\n"
                + "    control_totals:\n"
                + "      sidecar: { suffix: .ctl, pattern: 'records=(?<n>\\d+)', count: n, wait: PT1H }\n");
        s3.putObject(b -> b.bucket(bucket).key("orders/lost.csv"), RequestBody.fromString(csv("1")));
        s3.putObject(b -> b.bucket(bucket).key("orders/lost.csv.ctl"), RequestBody.fromString("records=1\n"));
        s3.putObject(b -> b.bucket(bucket).key("orders/receipts/orders/done.csv.receipt.json"), RequestBody.fromString("{}"));
        s3.putObject(b -> b.bucket(bucket).key("orders/receipts/orders/done.csv.receipt.csv"), RequestBody.fromString("x"));

        Run1 report = sweep("s3://" + bucket + "/orders/", "--json");

        assertThat(report.code()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode doc = JSON.readTree(report.out());
        assertThat(doc.get("listed").asInt()).as("sidecar and receipts are not listed as vendor files").isEqualTo(1);
        assertThat(doc.get("objects").findValuesAsText("key")).containsExactly("orders/lost.csv");
        assertThat(doc.get("objects").findValuesAsText("finding")).containsExactly("NEVER_SEEN");
    }

    @Test
    void runbookMissedNotificationSweepRedriveAndSweepAgainFindsNothing() throws Exception {
        String bucket = "sweep-drop";
        s3.createBucket(b -> b.bucket(bucket));
        Path f = feeds(bucket);
        byte[] loaded = csv("1").getBytes(StandardCharsets.UTF_8);
        byte[] stuck = csv("2").getBytes(StandardCharsets.UTF_8);
        byte[] old = csv("3").getBytes(StandardCharsets.UTF_8);
        s3.putObject(b -> b.bucket(bucket).key("orders/loaded.csv"), RequestBody.fromBytes(loaded));
        s3.putObject(b -> b.bucket(bucket).key("orders/stuck.csv"), RequestBody.fromBytes(stuck));
        s3.putObject(b -> b.bucket(bucket).key("orders/rewritten.csv"), RequestBody.fromBytes(old));
        s3.putObject(b -> b.bucket(bucket).key("orders/lost.csv"), RequestBody.fromString(csv("4", "5")));
        viaFunction(f, bucket, "orders/loaded.csv", loaded, "0062E99A88DC407460");
        viaFunction(f, bucket, "orders/rewritten.csv", old, "0062E99A88DC407470");
        crashedClaim(bucket, "orders/stuck.csv", stuck);
        // the vendor rewrites a file; that notification is lost too
        s3.putObject(b -> b.bucket(bucket).key("orders/rewritten.csv"), RequestBody.fromString(csv("3", "6")));

        // step 1: sweep the window
        Run1 report = sweep("s3://" + bucket + "/orders/", "--since", "1d", "--json");
        assertThat(report.code()).as("objects missing: exit 1").isEqualTo(ExitCodes.FINDINGS);
        JsonNode doc = JSON.readTree(report.out());
        assertThat(doc.get("listed").asInt()).isEqualTo(4);
        assertThat(doc.get("accounted").asInt()).isEqualTo(1);
        assertThat(doc.get("counts").get("NEVER_SEEN").asInt()).isEqualTo(1);
        assertThat(doc.get("counts").get("NOT_FINISHED").asInt()).isEqualTo(1);
        assertThat(doc.get("counts").get("OVERWRITTEN").asInt()).isEqualTo(1);
        assertThat(doc.get("objects").findValuesAsText("key"))
                .containsExactly("orders/lost.csv", "orders/rewritten.csv", "orders/stuck.csv");
        assertThat(doc.get("objects").findValuesAsText("finding")).containsExactly("NEVER_SEEN", "OVERWRITTEN", "NOT_FINISHED");
        assertThat(scalar("SELECT count(*) FROM ingested_files")).as("a sweep writes nothing").isEqualTo(3);

        // the table a person reads says the same
        Run1 table = sweep("s3://" + bucket + "/orders/", "--since", "1d");
        assertThat(table.out()).contains("NEVER_SEEN").contains("orders/lost.csv")
                .contains("4 object(s) listed (last modified from ")
                .contains("1 accounted for, 3 missing (never seen 1, not finished 1, overwritten 1)")
                .contains("with --redrive ingests them");

        // step 2: redrive
        Run1 redrive = sweep("s3://" + bucket + "/orders/", "--since", "1d", "--redrive");
        assertThat(redrive.code()).as(redrive.out()).isZero();
        assertThat(redrive.out()).contains("redrive:").contains("orders/lost.csv").doesNotContain("FAILED");

        // step 3: sweep again: nothing missing
        Run1 after = sweep("s3://" + bucket + "/orders/", "--since", "1d");
        assertThat(after.code()).isZero();
        assertThat(after.out()).contains("4 object(s) listed").contains("4 accounted for, 0 missing");
        // 1 (loaded) + 1 (old rewritten) + 1 (stuck) + 2 (lost) + 2 (new rewritten, position ids)
        assertThat(scalar("SELECT count(*) FROM order_events")).isEqualTo(7);
    }

    @Test
    void aVersionOrAWrongAddressIsAUsageError() {
        assertThat(run("sweep", "s3://b/k?versionId=v1", "--database-url", url).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("sweep", "ftp://b/k", "--database-url", url).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("sweep", "s3:///k", "--database-url", url).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aGcsBucketIsSweptThroughItsListing() throws Exception {
        String bucket = "gcs-sweep";
        TestStorage.STORAGE.create(com.google.cloud.storage.BlobInfo.newBuilder(bucket, "orders/a.csv").build(),
                csv("1").getBytes(StandardCharsets.UTF_8));
        Run1 r = sweep("gs://" + bucket + "/orders/", "--json");
        assertThat(r.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(JSON.readTree(r.out()).get("objects").findValuesAsText("finding")).containsExactly("NEVER_SEEN");
        Path f = feeds(bucket);
        assertThat(run("sweep", "gs://" + bucket + "/orders/", "--redrive", "--feeds", f.toString(), "--database-url", url).code())
                .isZero();
        assertThat(sweep("gs://" + bucket + "/orders/").code()).isZero();
    }

    record Run1(int code, String out) {
    }

    private Run1 sweep(String... args) throws Exception {
        String[] all = new String[args.length + 7];
        all[0] = "sweep";
        System.arraycopy(args, 0, all, 1, args.length);
        int i = args.length + 1;
        all[i++] = "--endpoint";
        all[i++] = args[0].startsWith("s3://") ? endpoint : "";
        all[i++] = "--feeds";
        all[i++] = tmp.resolve("feeds.yaml").toString();
        all[i++] = "--database-url";
        all[i] = url;
        BucketIngestTest.Run r = run(all);
        return new Run1(r.code(), r.out());
    }
}
