package io.inlet.aws;

import io.inlet.Inlet;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.config.WakeQueue;
import io.inlet.aws.sqs.SqsRelayWaker;
import io.inlet.outbox.RelayWaker;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.aws.decode.SqsBodyDecoder;
import io.inlet.aws.metrics.EmfExporter;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.aws.s3.S3ObjectSource;
import io.inlet.aws.sqs.ClaimCheck;
import io.inlet.aws.sqs.Continuations;
import io.inlet.aws.sqs.PointerResolver;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.aws.trace.TraceSettings;
import io.inlet.aws.trace.XRayTracing;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.KeptConnection;
import io.inlet.metrics.InletMetrics;
import io.inlet.metrics.MeterDeltas;
import io.inlet.trigger.VerdictObserver;
import io.inlet.trigger.WakeOnCommit;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What one Lambda execution environment builds once and every invocation shares: settings, SDK
 * clients, the decoders and the assembled core. Built on first use (not in a static initialiser),
 * or before a SnapStart checkpoint by {@link SnapStartPriming}.
 *
 * <p>SDK clients use the URLConnection HTTP client: no Netty or Apache pools to start, the fastest
 * cold start of the synchronous clients (measured against the CRT client: docs/benchmarks.md). Region and
 * credentials come from the Lambda environment; {@code AWS_ENDPOINT_URL[_S3|_SQS]} redirects them to
 * emulators.
 */
public final class FunctionEnvironment {

    private static final Logger log = LoggerFactory.getLogger(FunctionEnvironment.class);
    private static volatile FunctionEnvironment shared;

    private final FunctionSettings settings;
    private final S3Client s3;
    private final SqsClient sqs;
    private final DataSource dataSource;
    private final Inlet inlet;
    private final S3ObjectSource objectSource;
    private final SqsEventPublisher publisher;
    // cheap: its serializers are built on first use
    private final LambdaEventJson lambdaJson = new LambdaEventJson();
    private volatile SqsBodyDecoder bodyDecoder;
    private final PointerResolver pointers;
    private final XRayTracing tracing;
    private final WakeQueue wakeQueue;
    private final RelayWaker relayWaker;

    /** An environment without a relay wake queue (the relay runs on its schedule only). */
    public FunctionEnvironment(FunctionSettings settings, S3Client s3, SqsClient sqs, DataSource dataSource, Inlet inlet) {
        this(settings, s3, sqs, dataSource, inlet, XRayTracing.NONE, null);
    }

    /** As above, with the span export every invocation flushes at its end ({@link InvocationContext#close()}). */
    public FunctionEnvironment(FunctionSettings settings, S3Client s3, SqsClient sqs, DataSource dataSource, Inlet inlet,
                               XRayTracing tracing) {
        this(settings, s3, sqs, dataSource, inlet, tracing, null);
    }

    /** @param wakeQueue the relay's wake queue ({@link WakeQueue}), or null for none */
    public FunctionEnvironment(FunctionSettings settings, S3Client s3, SqsClient sqs, DataSource dataSource, Inlet inlet,
                               WakeQueue wakeQueue) {
        this(settings, s3, sqs, dataSource, inlet, XRayTracing.NONE, wakeQueue);
    }

    /**
     * @param tracing   the span export every invocation flushes at its end
     * @param wakeQueue the relay's wake queue ({@link WakeQueue}), or null for none
     */
    public FunctionEnvironment(FunctionSettings settings, S3Client s3, SqsClient sqs, DataSource dataSource, Inlet inlet,
                               XRayTracing tracing, WakeQueue wakeQueue) {
        this.tracing = tracing;
        this.wakeQueue = wakeQueue;
        this.relayWaker = wakeQueue == null ? RelayWaker.NONE : new SqsRelayWaker(sqs, wakeQueue.queueUrl(), wakeQueue.settings().window());
        this.settings = settings;
        this.s3 = s3;
        this.sqs = sqs;
        this.dataSource = dataSource;
        this.inlet = inlet;
        this.objectSource = new S3ObjectSource(s3);
        this.pointers = new PointerResolver(s3, settings.pointerBuckets(), FunctionSettings.CLAIM_CHECK_ALLOWED_BUCKETS);
        this.publisher = new SqsEventPublisher(sqs, s3, settings.destinations(),
                settings.claimCheckBucket() == null ? null : new ClaimCheck(settings.claimCheckBucket(), settings.claimCheckPrefix(),
                        settings.claimCheckThresholdBytes()),
                settings.relaySendConcurrency());
    }

    /** The environment of this execution environment, built from {@code System.getenv()} on first call. */
    public static FunctionEnvironment shared() {
        FunctionEnvironment env = shared;
        if (env == null) {
            synchronized (FunctionEnvironment.class) {
                env = shared;
                if (env == null) {
                    // all validated before anything is built: a wrong value fails start-up naming its variable
                    FunctionSettings settings = FunctionSettings.fromEnvironment(System.getenv());
                    TraceSettings traces = TraceSettings.fromEnvironment(System.getenv());
                    WakeQueue wakeQueue = WakeQueue.fromEnvironment(System.getenv());
                    env = fromSettings(settings, XRayTracing.start(traces, System.getenv()), wakeQueue);
                    shared = env;
                }
            }
        }
        return env;
    }

    /**
     * Builds the environment: the SDK clients on this thread, the core ({@link ParallelInit}: data
     * source, feeds file, {@code Inlet.build}) on another at the same time. Fails, as the steps one
     * after another did, with the clients' failure first, then the core's.
     */
    public static FunctionEnvironment fromSettings(FunctionSettings settings) {
        return fromSettings(settings, XRayTracing.NONE, null);
    }

    /** As {@link #fromSettings(FunctionSettings)}, the invocations' spans exported by {@code tracing}. */
    public static FunctionEnvironment fromSettings(FunctionSettings settings, XRayTracing tracing) {
        return fromSettings(settings, tracing, null);
    }

    /** As {@link #fromSettings(FunctionSettings)}, with the relay's wake queue (or null). */
    public static FunctionEnvironment fromSettings(FunctionSettings settings, WakeQueue wakeQueue) {
        return fromSettings(settings, XRayTracing.NONE, wakeQueue);
    }

    /** As {@link #fromSettings(FunctionSettings)}, with the span export and the relay's wake queue (or null). */
    public static FunctionEnvironment fromSettings(FunctionSettings settings, XRayTracing tracing, WakeQueue wakeQueue) {
        long started = System.nanoTime();
        keepAliveConnectionsFor(settings.relaySendConcurrency());
        ParallelInit init = ParallelInit.start(settings, workerId(System.getenv()));
        S3Client s3;
        SqsClient sqs;
        try {
            s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build();
            init.s3Ready(s3);
            sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        } catch (RuntimeException | Error e) {
            init.abandon(e);
            throw e;
        }
        long clientsMillis = (System.nanoTime() - started) / 1_000_000;
        ParallelInit.Core core = init.join();
        log.atInfo().addKeyValue("initMillis", (System.nanoTime() - started) / 1_000_000)
                .addKeyValue("clientsMillis", clientsMillis)
                .addKeyValue("coreMillis", init.backgroundMillis())
                .addKeyValue("destinations", settings.destinations().keySet())
                .addKeyValue("relayWakeQueue", wakeQueue == null ? null : wakeQueue.queueUrl())
                .log("function environment built");
        return new FunctionEnvironment(settings, s3, sqs, core.dataSource(), core.inlet(), tracing, wakeQueue);
    }

    /**
     * Names this environment in file leases: the log stream, which SnapStart functions do not have
     * (the variable is unset there), else the function and its version. Nothing random: environments
     * resumed from one snapshot would all share it; the lease owners add a random part when the first
     * attempt begins, after the restore.
     */
    static String workerId(Map<String, String> env) {
        String stream = env.get("AWS_LAMBDA_LOG_STREAM_NAME");
        if (stream != null && !stream.isBlank()) return stream;
        String function = env.get("AWS_LAMBDA_FUNCTION_NAME");
        if (function == null || function.isBlank()) return "lambda";
        String version = env.get("AWS_LAMBDA_FUNCTION_VERSION");
        return version == null || version.isBlank() ? function : function + ":" + version;
    }

    /**
     * The URLConnection client keeps at most {@code http.maxConnections} idle connections per host
     * (JDK default 5, read once, on first use): with more SendMessageBatch calls in flight, the
     * calls beyond it would open (and TLS-handshake) a new connection each time. Raised to the send
     * concurrency unless set explicitly (e.g. in JAVA_TOOL_OPTIONS); must run before the first request.
     */
    static void keepAliveConnectionsFor(int sendConcurrency) {
        if (System.getProperty(HTTP_MAX_CONNECTIONS) == null && sendConcurrency > JDK_DEFAULT_MAX_CONNECTIONS) {
            System.setProperty(HTTP_MAX_CONNECTIONS, Integer.toString(sendConcurrency));
        }
    }

    private static final String HTTP_MAX_CONNECTIONS = "http.maxConnections";
    private static final int JDK_DEFAULT_MAX_CONNECTIONS = 5;

    /**
     * The environment's one database connection, kept across invocations ({@link KeptConnection}): a
     * Lambda environment runs one invocation at a time, so one connection serves them all without
     * TCP, TLS and SCRAM per message. It is validated at the start of each invocation
     * ({@link #beginInvocation}) and closed around a SnapStart snapshot ({@link #discardConnection}),
     * so neither a proxy's idle timeout nor a restore hands out a dead one.
     */
    public static DataSource dataSource(String url, DatabaseCredentials credentials) {
        // the core's settings (schema inlet first on the search path, batched inserts, timeouts)
        PGSimpleDataSource ds = (PGSimpleDataSource) Database.dataSource(
                new DatabaseSettings(url, credentials.user(), credentials.password()));
        ds.setApplicationName("inlet-lambda");
        return new KeptConnection(ds);
    }

    /** Every handler calls this first: the kept connection is validated before this invocation's first statement. */
    public void beginInvocation() {
        if (dataSource instanceof KeptConnection kept) kept.revalidate();
    }

    /** Closes the kept connection: before a SnapStart checkpoint (no socket in the snapshot) and after a restore. */
    public void discardConnection() {
        if (dataSource instanceof KeptConnection kept) kept.discard();
    }

    /** The span export of this environment ({@link XRayTracing#NONE} when it was built without one). */
    public XRayTracing tracing() {
        return tracing;
    }

    public FunctionSettings settings() {
        return settings;
    }

    public S3Client s3() {
        return s3;
    }

    private volatile Continuations continuations;

    /** Sends continuations of files suspended at a deadline (built on first use). */
    public Continuations continuations() {
        Continuations c = continuations;
        if (c == null) continuations = c = new Continuations(sqs);
        return c;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Inlet inlet() {
        return inlet;
    }

    public S3ObjectSource objectSource() {
        return objectSource;
    }

    public SqsEventPublisher publisher() {
        return publisher;
    }

    private volatile DeliveryHandler deliveries;

    /**
     * Hands decoded deliveries to the core (whose meters record each file and message: {@link #metrics()});
     * with a wake queue, a delivery whose commits queued outbox rows then wakes the relay
     * ({@link Inlet#wakeOnCommit}).
     */
    public DeliveryHandler deliveries() {
        DeliveryHandler d = deliveries;
        if (d == null) {
            synchronized (this) {
                d = deliveries;
                if (d == null) {
                    // the wake is sent on its own thread beside the batch's other messages; awaitWakes() joins it
                    wakes = wakeQueue == null ? null : inlet.wakeOnCommit(relayWaker, wakeQueue.settings(), WAKE_SENDER);
                    deliveries = d = inlet.deliveryHandler(objectSource, wakes == null ? VerdictObserver.NONE : wakes);
                }
            }
        }
        return d;
    }

    /**
     * Sends the relay's wakes beside the invocation's work: one daemon thread, started on the first wake (not
     * in a SnapStart snapshot's priming), tasks in order.
     */
    private static final java.util.concurrent.ExecutorService WAKE_SENDER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "inlet-relay-wake");
        t.setDaemon(true);
        return t;
    });

    private volatile WakeOnCommit wakes;

    /**
     * Waits for a relay wake still being sent (at most the send's own time limit and a margin): called before
     * each invocation returns, since Lambda freezes the sandbox after it and a wake left in flight would wait
     * for the next invocation.
     */
    public void awaitWakes() {
        WakeOnCommit w = wakes;
        if (w != null) w.awaitSent(SqsRelayWaker.CALL_TIMEOUT.plusMillis(500));
    }

    /** The relay's wake queue, or null when none is configured. */
    public WakeQueue wakeQueue() {
        return wakeQueue;
    }

    /** Wakes the relay through the wake queue ({@link RelayWaker#NONE} without one). */
    public RelayWaker relayWaker() {
        return relayWaker;
    }

    private volatile EmfExporter metrics;

    /**
     * The core's meters as CloudWatch EMF, flushed at the end of each invocation; service dimension
     * from {@link EmfExporter#serviceName} (built on first use).
     */
    public EmfExporter metrics() {
        EmfExporter m = metrics;
        if (m == null) {
            synchronized (this) {
                m = metrics;
                if (m == null) {
                    metrics = m = new EmfExporter(new MeterDeltas(inlet.meterRegistry()),
                            EmfExporter.serviceName(System.getenv()), System::currentTimeMillis);
                }
            }
        }
        return m;
    }

    /** The core's meter model over this environment's registry (for meters recorded outside the core: sweeps, cold starts). */
    public InletMetrics meters() {
        return new InletMetrics(inlet.meterRegistry());
    }

    public LambdaEventJson lambdaJson() {
        return lambdaJson;
    }

    /** Decodes SQS bodies (built on first use: only the SQS handler needs it). */
    /** Resolves inbound large-message pointers (allow-listed buckets only) before records are decoded. */
    public PointerResolver pointers() {
        return pointers;
    }

    public SqsBodyDecoder bodyDecoder() {
        SqsBodyDecoder d = bodyDecoder;
        if (d == null) bodyDecoder = d = new SqsBodyDecoder(lambdaJson);
        return d;
    }

    /** The destinations this environment publishes to (for logs and checks). */
    public Map<String, String> destinations() {
        return settings.destinations();
    }
}
