package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.ledger.LeaseOwners;
import io.inlet.testing.TestDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SnapStart priming hook, as {@code beforeCheckpoint} runs it, on a real migrated database. The
 * environment's S3 and SQS clients point at a closed port: priming must not need them (its S3 read is
 * answered in memory), so any request they made would fail the test.
 */
class SnapStartPrimingTest {

    static final URI NOWHERE = URI.create("http://127.0.0.1:9");

    @Test
    void primingRunsTheColdPathWithoutWritingARowOrSendingARequest() throws Exception {
        DataSource db = TestDatabase.fresh("order_events", "downstream_events");
        FunctionEnvironment env = environment(db);
        Map<String, Long> before = rowCounts(db);

        SnapStartPriming.prime(env);

        assertThat(rowCounts(db)).isEqualTo(before).containsEntry("inlet.ingested_files", 0L)
                .containsEntry("inlet.ingest_slices", 0L).containsEntry("inlet.outbox", 0L)
                .containsEntry("inlet.order_events", 0L).containsEntry("inlet.processed_messages", 0L)
                .containsEntry("inlet.rejected_records", 0L);
    }

    @Test
    void primingFailsWhenTheDatabaseDoesNotAnswer() throws Exception {
        FunctionEnvironment env = environment(TestDatabase.fresh("order_events", "downstream_events"));
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setURL("jdbc:postgresql://127.0.0.1:9/inlet");
        unreachable.setConnectTimeout(2);
        FunctionEnvironment broken = new FunctionEnvironment(env.settings(), env.s3(), env.sqs(), unreachable, env.inlet());

        assertThatThrownBy(() -> SnapStartPriming.prime(broken))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("priming: the database did not answer SELECT 1: ");
    }

    @Test
    void theRestoreHookMakesEveryLeaseOwnerOfTheSnapshotDrawANewRandomPart() throws Exception {
        FunctionEnvironment env = environment(TestDatabase.fresh("order_events", "downstream_events"));
        LeaseOwners inSnapshot = new LeaseOwners("inlet-ingest:7");
        String beforeCheckpoint = inSnapshot.begin();
        inSnapshot.end(beforeCheckpoint);

        SnapStartPriming.restored(env);

        String afterRestore = inSnapshot.begin();
        assertThat(incarnation(afterRestore)).startsWith("inlet-ingest:7~").isNotEqualTo(incarnation(beforeCheckpoint));
    }

    @Test
    void aSnapStartEnvironmentWithoutALogStreamIsNamedByItsFunctionVersionNotByChance() {
        Map<String, String> snapStart = Map.of("AWS_LAMBDA_FUNCTION_NAME", "inlet-ingest", "AWS_LAMBDA_FUNCTION_VERSION", "7");

        assertThat(FunctionEnvironment.workerId(snapStart)).isEqualTo("inlet-ingest:7");
        assertThat(FunctionEnvironment.workerId(Map.of("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/06/[7]abc",
                "AWS_LAMBDA_FUNCTION_NAME", "inlet-ingest", "AWS_LAMBDA_FUNCTION_VERSION", "7"))).isEqualTo("2026/12/06/[7]abc");
        assertThat(FunctionEnvironment.workerId(Map.of())).isEqualTo("lambda");
    }

    /** An owner without its attempt number: {@code worker~random}. */
    private static String incarnation(String owner) {
        return owner.substring(0, owner.lastIndexOf('#'));
    }

    static FunctionEnvironment environment(DataSource db) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"));
        S3Client s3 = S3Client.builder().endpointOverride(NOWHERE).region(Region.US_EAST_1).credentialsProvider(credentials)
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(NOWHERE).region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2),
                SqsEventPublisher.DEFAULT_SEND_CONCURRENCY);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(s3))).workerId("priming-test").build();
        return new FunctionEnvironment(settings, s3, sqs, db, inlet);
    }

    /** Rows per table, {@code schema.table}, Flyway's history aside. */
    static Map<String, Long> rowCounts(DataSource db) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_schema || '.' || table_name FROM information_schema.tables "
                    + "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' "
                    + "AND table_name <> 'flyway_schema_history'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }
}
