package io.inlet.aws.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.ParallelInit;
import io.inlet.aws.S3ObjectHandler;
import io.inlet.aws.SnapStartPriming;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.feed.FeedRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The function the cold-start bench deploys into the runtime interface client. {@code BENCH_MODE=handler}:
 * builds the environment as {@link FunctionEnvironment#fromSettings} does, but with the HTTP client named
 * by {@code BENCH_HTTP_CLIENT} and the emulators' endpoints, and runs {@link S3ObjectHandler};
 * {@code BENCH_MODE=sequential}: the same with the environment built one step after another (the reference for
 * {@link ParallelInit}); {@code BENCH_MODE=baseline}: only builds the same two SDK clients; {@code baseline-get} also reads the
 * notified object with one {@code GetObject} (what any function reading S3 pays for its first request). {@code unprimed} and {@code primed}
 * build the environment at init (in the constructor, as a SnapStart checkpoint would), {@code primed}
 * also runs {@link SnapStartPriming#prime}; the invocation then only runs the handler.
 */
public final class BenchHandler implements RequestHandler<S3Event, List<String>> {

    private final String mode = System.getenv("BENCH_MODE");
    private final String client = System.getenv("BENCH_HTTP_CLIENT");
    private final Phases phases = new Phases();
    /** For {@code unprimed} and {@code primed}: the environment built at init, as SnapStart's checkpoint would. */
    private final FunctionEnvironment initialised;

    public BenchHandler() {
        if ("unprimed".equals(mode) || "primed".equals(mode)) {
            initialised = environment();
            if ("primed".equals(mode)) {
                SnapStartPriming.prime(initialised);
                phases.end("prime");
            }
        } else {
            initialised = null;
        }
    }

    @Override
    public List<String> handleRequest(S3Event event, Context context) {
        // from init's end to here: the runtime client asks for the event and deserialises it
        phases.end("runtime");
        List<String> result;
        if (initialised != null) {
            result = new S3ObjectHandler(initialised).handleRequest(event, context);
            phases.end("invoke");
        } else if ("baseline".equals(mode)) {
            s3();
            sqs();
            phases.end("clients");
            result = List.of("BASELINE " + client);
        } else if ("baseline-get".equals(mode)) {
            S3Client s3 = s3();
            sqs();
            phases.end("clients");
            var object = event.getRecords().get(0).getS3();
            int bytes = s3.getObjectAsBytes(b -> b.bucket(object.getBucket().getName()).key(object.getObject().getKey()))
                    .asByteArray().length;
            phases.end("get");
            result = List.of("BASELINE " + client + " " + bytes + " bytes");
        } else {
            FunctionEnvironment environment = "sequential".equals(mode) ? sequentialEnvironment() : environment();
            result = new S3ObjectHandler(environment).handleRequest(event, context);
            phases.end("ingest");
        }
        phases.report();
        return result;
    }

    /**
     * As {@link FunctionEnvironment#fromSettings}, with the emulators' endpoints: the clients here, the
     * core on {@link ParallelInit}'s thread. Steps: {@code clients}, then {@code core} = the wait for
     * the background after the clients, and {@code background} = how long its work took (overlapping).
     */
    private FunctionEnvironment environment() {
        FunctionSettings settings = settings();
        ParallelInit init = ParallelInit.start(settings, "bench");
        S3Client s3 = s3();
        init.s3Ready(s3);
        SqsClient sqs = sqs();
        phases.end("clients");
        ParallelInit.Core core = init.join();
        phases.end("core");
        phases.record("background", init.backgroundMillis());
        return new FunctionEnvironment(settings, s3, sqs, core.dataSource(), core.inlet());
    }

    /**
     * The environment built one step after another, as {@code fromSettings} did before {@link ParallelInit}:
     * kept as the reference the parallel init is measured against under the same load.
     */
    private FunctionEnvironment sequentialEnvironment() {
        S3Client s3 = s3();
        SqsClient sqs = sqs();
        phases.end("clients");
        FunctionSettings settings = settings();
        DataSource dataSource = FunctionEnvironment.dataSource(settings.databaseUrl(),
                new DatabaseCredentials(settings.databaseUser(), settings.databasePassword()));
        FeedRegistry feeds = new FeedsLocation(settings.feeds()).load(new S3BucketReader(s3));
        phases.end("feeds");
        Inlet inlet = Inlet.builder().dataSource(dataSource).feeds(feeds).workerId("bench").build();
        phases.end("core");
        return new FunctionEnvironment(settings, s3, sqs, dataSource, inlet);
    }

    private static FunctionSettings settings() {
        return new FunctionSettings("classpath:aws-e2e-feeds.yaml", System.getenv("BENCH_DB_URL"),
                System.getenv("BENCH_DB_USER"), System.getenv("BENCH_DB_PASSWORD"), null, Map.of(), null, "claim-checks/",
                null, Duration.ofSeconds(2), 8);
    }

    private S3Client s3() {
        return S3Client.builder().endpointOverride(URI.create(System.getenv("BENCH_S3"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("inlet-test", "inlet-test-secret")))
                .httpClient(httpClient(client)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
    }

    private SqsClient sqs() {
        return SqsClient.builder().endpointOverride(URI.create(System.getenv("BENCH_SQS"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(httpClient(client)).build();
    }

    static SdkHttpClient httpClient(String name) {
        return switch (name) {
            case "urlconnection" -> UrlConnectionHttpClient.create();
            case "crt" -> AwsCrtHttpClient.create();
            default -> throw new IllegalArgumentException("unknown HTTP client " + name + " (urlconnection|crt)");
        };
    }

    /**
     * Wall time per step, in order, written to stderr as {@code BENCH-PHASES name=ms ...}. The first,
     * {@code start}, is from the parent's launch ({@code BENCH_LAUNCH_MILLIS}, epoch ms) to the
     * handler's construction: JVM start and the runtime client's own start.
     */
    static final class Phases {
        private final Map<String, Long> millis = new LinkedHashMap<>();
        private long last = System.nanoTime();

        Phases() {
            String launched = System.getenv("BENCH_LAUNCH_MILLIS");
            if (launched != null) millis.put("start", System.currentTimeMillis() - Long.parseLong(launched));
        }

        void end(String phase) {
            long now = System.nanoTime();
            millis.put(phase, (now - last) / 1_000_000);
            last = now;
            // with -Xlog:class+load on stdout this splits the loaded classes by step
            if (System.getenv("BENCH_MARKS") != null) System.out.println("BENCH-MARK end of " + phase);
        }

        /** A duration measured elsewhere (another thread's), reported but not advancing the clock. */
        void record(String name, long ms) {
            millis.put(name, ms);
        }

        void report() {
            StringBuilder line = new StringBuilder("BENCH-PHASES");
            millis.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            System.err.println(line);
        }
    }
}
