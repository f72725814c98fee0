package io.inlet.aws;

import io.inlet.Inlet;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.FeedsLocation;
import io.inlet.feed.FeedRegistry;
import io.inlet.outbox.RelaySettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The core of a function environment — database credentials, data source, feeds file, {@link Inlet}
 * (first connection, schema check) — built on a background thread while the caller builds the SDK
 * clients. Both are mostly class loading and initialisation, neither needs the other, and a Lambda
 * function has two vCPUs from 1,769 MB up (the cold start measured here: docs/benchmarks.md).
 * A feeds file in S3 is the one dependency: its read waits for the caller's S3 client ({@link #s3Ready}).
 *
 * <p>Start-up fails as it did when the steps ran one after another: {@link #join} rethrows what the
 * background work threw, the same exception object; the caller's own failure (a client that cannot
 * be built) comes first, as it did, because the caller only joins once its clients are built. The
 * thread is a daemon that ends with its work: nothing outlives the init, nothing is in a SnapStart
 * snapshot but its result.
 */
public final class ParallelInit {

    /** What the background thread built. */
    public record Core(DataSource dataSource, Inlet inlet) {
    }

    private final CompletableFuture<S3Client> s3 = new CompletableFuture<>();
    private final CompletableFuture<Core> core = new CompletableFuture<>();
    private volatile long backgroundMillis = -1;

    private ParallelInit() {
    }

    /** Starts building the core for these settings; the caller builds its clients meanwhile. */
    public static ParallelInit start(FunctionSettings settings, String workerId) {
        ParallelInit init = new ParallelInit();
        // a plain thread, not the common pool: it inherits the caller's context class loader (the
        // Lambda runtime loads the function with its own), which the SDK and ServiceLoader look up
        Thread thread = new Thread(() -> init.build(settings, workerId), "inlet-init");
        thread.setDaemon(true);
        thread.start();
        return init;
    }

    private void build(FunctionSettings settings, String workerId) {
        long started = System.nanoTime();
        try {
            DataSource dataSource = FunctionEnvironment.dataSource(settings.databaseUrl(), credentials(settings));
            // only a feeds file in S3 needs the caller's client
            FeedsLocation location = new FeedsLocation(settings.feeds());
            FeedRegistry feeds = location.load(location.bucketScheme() == null ? null : new S3BucketReader(s3.join()));
            Inlet inlet = Inlet.builder().dataSource(dataSource).feeds(feeds).workerId(workerId)
                    .maxFailedAttempts(EnvironmentVariables.system().maxFailedAttempts())
                    .relaySettings(RelaySettings.fromEnvironment(System.getenv())).build();
            backgroundMillis = (System.nanoTime() - started) / 1_000_000;
            core.complete(new Core(dataSource, inlet));
        } catch (CompletionException e) {
            // the caller gave up before handing its S3 client over: nobody will join
            core.completeExceptionally(e.getCause());
        } catch (Throwable e) {
            core.completeExceptionally(e);
        }
    }

    private static DatabaseCredentials credentials(FunctionSettings settings) {
        if (settings.databaseSecretArn() == null) {
            return new DatabaseCredentials(settings.databaseUser(), settings.databasePassword());
        }
        try (SecretsManagerClient secrets = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            return DatabaseCredentials.fromSecret(secrets, settings.databaseSecretArn());
        }
    }

    /** The caller's S3 client, built: a feeds file in S3 is read with it. */
    public void s3Ready(S3Client client) {
        s3.complete(client);
    }

    /** The caller failed before {@link #s3Ready}: a background read of the feeds from S3 stops waiting. */
    public void abandon(Throwable cause) {
        s3.completeExceptionally(cause);
    }

    /**
     * Waits for the core and returns it, or throws what building it threw (the same exception, so
     * start-up fails with the same type and message as when it ran on the caller's thread).
     */
    public Core join() {
        try {
            return core.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }

    /** How long the background work took, once {@link #join} returned (for the init log line and the bench). */
    public long backgroundMillis() {
        return backgroundMillis;
    }
}
