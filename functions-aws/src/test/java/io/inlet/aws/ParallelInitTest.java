package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inlet.Inlet;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.trigger.SettingException;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.db.DatabaseSettings;
import io.inlet.failure.RetryableException;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedConfigException;
import io.inlet.testing.TestDatabase;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Start-up with the core built on {@link ParallelInit}'s thread fails exactly as the steps one after
 * another did: for each failure, the exception of the sequential steps (feeds file, then
 * {@code Inlet.build}) is computed here and {@link FunctionEnvironment#fromSettings} must throw one of
 * the same class with the same message. Real PostgreSQL (embedded) and S3 (S3Proxy).
 * {@code fromSettings} builds its SDK clients from the environment, so the region comes from the
 * {@code aws.region} property for these tests (no request is made with them).
 */
class ParallelInitTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    static final String FEEDS_BUCKET = "inlet-config";
    static final String E2E_FEEDS = "classpath:aws-e2e-feeds.yaml";

    private static String regionBefore;

    @BeforeAll
    static void region() {
        regionBefore = System.getProperty("aws.region");
        System.setProperty("aws.region", "us-east-1");
        S3.createBucket(FEEDS_BUCKET);
    }

    @AfterAll
    static void restoreRegion() {
        if (regionBefore == null) System.clearProperty("aws.region");
        else System.setProperty("aws.region", regionBefore);
    }

    @Test
    void theEnvironmentIsBuiltWithTheFeedsAndTheInitThreadEnds() throws Exception {
        FunctionEnvironment env = FunctionEnvironment.fromSettings(settings(E2E_FEEDS, migrated()));

        assertThat(env.inlet().feeds().feeds()).extracting(Feed::name).containsExactly("acme-orders");
        assertThat(env.dataSource()).isNotNull();
        assertNoInitThreadLeft();
    }

    @Test
    void aMissingFeedsResourceFailsStartUpAsBefore() {
        FunctionSettings settings = settings("classpath:no-such-feeds.yaml", migrated());
        Throwable sequential = catchThrowable(() -> new FeedsLocation(settings.feeds()).load(null));

        assertThatThrownBy(() -> FunctionEnvironment.fromSettings(settings))
                .isExactlyInstanceOf(SettingException.class)
                .hasMessage("INLET_FEEDS resource 'no-such-feeds.yaml' is not in the package")
                .hasMessage(sequential.getMessage());
        assertNoInitThreadLeft();
    }

    @Test
    void aWrongFeedsFileFailsStartUpAsBefore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("feeds.yaml");
        Files.writeString(file, e2eFeeds().replace("    table: order_events\n", "    table: Order-Events\n"));
        FunctionSettings settings = settings(file.toString(), migrated());
        Throwable sequential = catchThrowable(() -> new FeedsLocation(settings.feeds()).load(null));

        assertThat(sequential).isExactlyInstanceOf(FeedConfigException.class).hasMessage("feeds.yaml: feed 'acme-orders': "
                + "table: invalid table name 'Order-Events' (a plain SQL identifier: [a-z_][a-z0-9_]{0,62})");
        assertThatThrownBy(() -> FunctionEnvironment.fromSettings(settings))
                .isExactlyInstanceOf(FeedConfigException.class)
                .hasMessage(sequential.getMessage());
        assertNoInitThreadLeft();
    }

    @Test
    void anUnreachableDatabaseFailsStartUpAsBefore() {
        FunctionSettings settings = settings(E2E_FEEDS, new DatabaseSettings("jdbc:postgresql://127.0.0.1:9/inlet", "inlet", "x"));
        Throwable sequential = catchThrowable(() -> sequentialCore(settings));

        assertThat(sequential).isExactlyInstanceOf(RetryableException.class)
                .hasMessageStartingWith("database unavailable or busy (SQLState 08001): ");
        assertThatThrownBy(() -> FunctionEnvironment.fromSettings(settings))
                .isExactlyInstanceOf(RetryableException.class)
                .hasMessage(sequential.getMessage());
        assertNoInitThreadLeft();
    }

    @Test
    void aDatabaseWithoutTheFeedsTablesFailsStartUpAsBefore() {
        FunctionSettings settings = settings(E2E_FEEDS, TestDatabase.settingsFor(TestDatabase.fresh("order_events")));
        Throwable sequential = catchThrowable(() -> sequentialCore(settings));

        assertThat(sequential).isExactlyInstanceOf(io.inlet.db.SchemaMissingException.class)
                .hasMessage("event tables [downstream_events] named by the feeds do not exist: run `inlet migrate`");
        assertThatThrownBy(() -> FunctionEnvironment.fromSettings(settings))
                .isExactlyInstanceOf(io.inlet.db.SchemaMissingException.class)
                .hasMessage(sequential.getMessage());
        assertNoInitThreadLeft();
    }

    @Test
    void aFeedsFileInS3IsReadWithTheCallersClient() throws Exception {
        S3.client().putObject(b -> b.bucket(FEEDS_BUCKET).key("feeds/ok.yaml"), RequestBody.fromString(e2eFeeds()));
        ParallelInit init = ParallelInit.start(settings("s3://" + FEEDS_BUCKET + "/feeds/ok.yaml", migrated()), "test");

        init.s3Ready(S3.client());
        ParallelInit.Core core = init.join();

        assertThat(core.inlet().feeds().feeds()).extracting(Feed::name).containsExactly("acme-orders");
        assertThat(init.backgroundMillis()).isNotNegative();
        assertNoInitThreadLeft();
    }

    @Test
    void aMissingFeedsObjectInS3FailsAsBefore() {
        FunctionSettings settings = settings("s3://" + FEEDS_BUCKET + "/feeds/absent.yaml", migrated());
        Throwable sequential = catchThrowable(() -> new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())));
        ParallelInit init = ParallelInit.start(settings, "test");

        init.s3Ready(S3.client());

        assertThat(sequential).isExactlyInstanceOf(SettingException.class)
                .hasMessageStartingWith("INLET_FEEDS 's3://inlet-config/feeds/absent.yaml' could not be read: ");
        Throwable parallel = catchThrowable(init::join);
        assertThat(parallel).isExactlyInstanceOf(SettingException.class);
        // the same message but for S3's request id, which differs per request
        assertThat(withoutRequestId(parallel.getMessage())).isEqualTo(withoutRequestId(sequential.getMessage()))
                .isEqualTo("INLET_FEEDS 's3://inlet-config/feeds/absent.yaml' could not be read: The specified key does not exist. "
                        + "(Service: S3, Status Code: 404, Request ID: *) (SDK Attempt Count: 1)");
        assertNoInitThreadLeft();
    }

    @Test
    void aCallerThatFailsBeforeItsS3ClientIsBuiltStopsTheBackgroundWaitingForIt() {
        ParallelInit init = ParallelInit.start(settings("s3://" + FEEDS_BUCKET + "/feeds/ok.yaml", migrated()), "test");
        IllegalStateException clientFailure = new IllegalStateException("Unable to load region");

        init.abandon(clientFailure);

        assertThatThrownBy(init::join).isSameAs(clientFailure);
        assertNoInitThreadLeft();
    }

    /** The core as {@code fromSettings} built it before, on one thread: credentials, data source, feeds, build. */
    static Inlet sequentialCore(FunctionSettings settings) {
        DataSource ds = FunctionEnvironment.dataSource(settings.databaseUrl(),
                new DatabaseCredentials(settings.databaseUser(), settings.databasePassword()));
        return Inlet.builder().dataSource(ds).feeds(new FeedsLocation(settings.feeds()).load(null)).workerId("sequential").build();
    }

    static String withoutRequestId(String message) {
        return message.replaceAll("Request ID: [^)]*", "Request ID: *");
    }

    static DatabaseSettings migrated() {
        return TestDatabase.settingsFor(TestDatabase.fresh("order_events", "downstream_events"));
    }

    static FunctionSettings settings(String feeds, DatabaseSettings db) {
        // send concurrency 1: fromSettings leaves http.maxConnections (a JVM-wide property) alone
        return new FunctionSettings(feeds, db.url(), db.user(), db.password() == null ? "" : db.password(), null, Map.of(),
                null, "claim-checks/", null, Duration.ofSeconds(2), 1);
    }

    static String e2eFeeds() throws Exception {
        try (InputStream in = ParallelInitTest.class.getResourceAsStream("/aws-e2e-feeds.yaml")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The init thread is a daemon that ends with its work: none is left once start-up returned or failed. */
    static void assertNoInitThreadLeft() {
        List<Thread> init = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("inlet-init")).toList();
        for (Thread t : init) {
            assertThat(t.isDaemon()).isTrue();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertThat(init).noneMatch(Thread::isAlive);
    }
}
