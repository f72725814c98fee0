package io.inlet.gcp;

import com.google.cloud.storage.Storage;
import io.inlet.Inlet;
import io.inlet.gcp.metrics.MetricLogExporter;
import io.inlet.metrics.InletMetrics;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.KeptConnection;
import io.inlet.gcp.pubsub.PubSubConnection;
import io.inlet.gcp.pubsub.PubSubEventPublisher;
import io.inlet.gcp.pubsub.PublishSettings;
import io.inlet.gcp.pubsub.PubSubRelayWaker;
import io.inlet.outbox.RelayWaker;
import io.inlet.gcp.storage.GcsBucketReader;
import io.inlet.gcp.storage.GcsObjectSource;
import io.inlet.gcp.storage.StorageFactory;
import io.inlet.gcp.storage.GcsPointer;
import io.inlet.gcp.storage.GcsPointerResolver;
import io.inlet.gcp.trace.CloudTracing;
import io.inlet.gcp.trace.TraceSettings;
import io.inlet.trigger.Delivery;
import io.inlet.failure.Deadline;
import io.inlet.outbox.RelaySettings;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.FeedsLocation;
import io.inlet.trigger.SettingException;
import io.inlet.trigger.VerdictObserver;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one function instance builds once and shares across its invocations: settings, the core,
 * the storage client and (for the relay) the publishers. Built on first use, so a wrong setting
 * fails the first invocation with a message naming the variable and every later one the same way.
 */
public final class GcpRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GcpRuntime.class);
    /** Stop work this long before the platform's timeout, to checkpoint and answer in time. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(5);

    private static volatile GcpRuntime shared;

    private final GcpSettings settings;
    private final Storage storage;
    private final GcsObjectSource objects;
    private final Inlet inlet;
    private final DeliveryHandler deliveries;
    private volatile PubSubEventPublisher publisher;
    private final GcsPointerResolver pointers;
    private final MetricLogExporter metrics;
    /** True until this instance's first request (Cloud Run starts a new instance per cold start). */
    private final java.util.concurrent.atomic.AtomicBoolean cold = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final DataSource dataSource;
    private final CloudTracing tracing;

    private final WakeTopic wakeTopic;
    private volatile PubSubRelayWaker wakePublisher;

    private GcpRuntime(GcpSettings settings, Storage storage, DataSource dataSource, CloudTracing tracing, WakeTopic wakeTopic) {
        this.settings = settings;
        this.wakeTopic = wakeTopic;
        this.tracing = tracing;
        this.dataSource = dataSource;
        this.storage = storage;
        this.objects = new GcsObjectSource(storage);
        this.pointers = new GcsPointerResolver(storage, settings.claimCheck().pointerBuckets());
        this.inlet = Inlet.builder()
                .dataSource(dataSource)
                .feeds(new FeedsLocation(settings.feeds()).load(new GcsBucketReader(storage)))
                .maxFailedAttempts(EnvironmentVariables.system().maxFailedAttempts())
                .workerId(System.getenv().getOrDefault("K_REVISION", "gcp") + "/" + ProcessHandle.current().pid())
                .relaySettings(RelaySettings.fromEnvironment(System.getenv()))
                .build();
        // with a wake topic, a delivery whose commits queued outbox rows wakes the relay (Inlet#wakeOnCommit)
        this.deliveries = inlet.deliveryHandler(objects,
                wakeTopic == null ? VerdictObserver.NONE : inlet.wakeOnCommit(relayWaker(), wakeTopic.settings()));
        this.metrics = new MetricLogExporter(inlet.meterRegistry());
        LOG.atInfo().addKeyValue("feeds", settings.feeds()).addKeyValue("destinations", settings.destinations().keySet())
                .addKeyValue("relayWakeTopic", wakeTopic == null ? null : wakeTopic.topic().toString())
                .log("Inlet runtime ready");
    }

    /**
     * A runtime over the given storage client and database instead of the environment's: what a
     * local run of the GCP path (the CLI's {@code inlet demo gcp}) hands to the functions'
     * {@code GcpRuntime} constructors. {@code settings.databaseUrl()} is not used.
     */
    public static GcpRuntime create(GcpSettings settings, Storage storage, DataSource dataSource) {
        return new GcpRuntime(settings, storage, dataSource, CloudTracing.OFF, null);
    }

    /** As {@link #create(GcpSettings, Storage, DataSource)}, waking the relay through {@code wakeTopic} (null: no wakes). */
    public static GcpRuntime create(GcpSettings settings, Storage storage, DataSource dataSource, WakeTopic wakeTopic) {
        return new GcpRuntime(settings, storage, dataSource, CloudTracing.OFF, wakeTopic);
    }

    /** As {@link #create(GcpSettings, Storage, DataSource)}, with spans recorded by {@code tracing} and flushed at the end of each request. */
    public static GcpRuntime create(GcpSettings settings, Storage storage, DataSource dataSource, CloudTracing tracing) {
        return new GcpRuntime(settings, storage, dataSource, tracing, null);
    }

    private static GcpRuntime fromEnvironment() {
        GcpSettings settings = GcpSettings.fromEnvironment(System.getenv());
        WakeTopic wakeTopic = WakeTopic.fromEnvironment(System.getenv());
        TraceSettings traces = TraceSettings.fromEnvironment(System.getenv());
        // The core's DataSource (Inlet's schema first on the search path, connect timeout, keep-alive), as one
        // connection kept for the instance's invocations and validated at the start of each (beginInvocation).
        DataSource dataSource = new KeptConnection(Database.dataSource(
                new DatabaseSettings(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword())));
        return new GcpRuntime(settings, StorageFactory.createDefault(), dataSource,
                CloudTracing.start(traces, System.getenv("K_SERVICE")), wakeTopic);
    }

    /** The instance's runtime, built from the environment on first use. */
    public static GcpRuntime shared() {
        GcpRuntime r = shared;
        if (r == null) {
            synchronized (GcpRuntime.class) {
                r = shared;
                if (r == null) {
                    try {
                        shared = r = fromEnvironment();
                    } catch (RuntimeException e) {
                        LOG.atError().setCause(e).log("cannot start: {}", e.getMessage());
                        throw e;
                    }
                }
            }
        }
        return r;
    }

    /**
     * Every function calls this first: the instance's kept database connection is validated before this
     * invocation's first statement (an instance idles, CPU-throttled, between requests; a server or proxy
     * may have closed it meanwhile).
     */
    public void beginInvocation() {
        if (dataSource instanceof KeptConnection kept) kept.revalidate();
    }

    public GcpSettings settings() {
        return settings;
    }

    public Inlet inlet() {
        return inlet;
    }

    public GcsObjectSource objects() {
        return objects;
    }

    /**
     * Marks the start of a request: the instance's first counts {@code inlet.cold.start}
     * ({@code K_SERVICE}, the Cloud Run service, as its {@code function} tag).
     */
    public void requestStarted() {
        if (cold.getAndSet(false)) new InletMetrics(inlet.meterRegistry()).coldStart(System.getenv("K_SERVICE"));
    }

    /**
     * The end of a request: the core's meters, what changed during it, as metric log lines ({@link MetricLogExporter}),
     * and the request's spans sent to Cloud Trace (before Cloud Run throttles the CPU until the next request).
     */
    public void requestFinished() {
        try {
            metrics.flush();
        } finally {
            tracing.flush();
        }
    }

    /** Hands decoded deliveries to the core, whose meters record each file and message ({@link #requestFinished()}). */
    public DeliveryHandler deliveries() {
        return deliveries;
    }

    /**
     * A delivery with its large-message pointer (a {@link GcsPointer}) resolved from an allowed bucket, or
     * given up with the reason; anything else as it came.
     *
     * @throws GcsPointerResolver.PayloadUnavailableException when storage fails: the message must come back
     */
    public Delivery resolvePointers(Delivery delivery) {
        return pointers.resolve(delivery);
    }

    /** How long this invocation may work: the configured timeout less a safety margin, from now. */
    public Deadline deadline() {
        return Deadline.after(settings.timeout(), SAFETY_MARGIN);
    }

    /** The relay's wake topic, or null when none is configured. */
    public WakeTopic wakeTopic() {
        return wakeTopic;
    }

    /**
     * Wakes the relay through the wake topic ({@link RelayWaker#NONE} without one); its publisher is
     * built on the first wake, so an instance that never commits outbox rows never opens it.
     */
    public RelayWaker relayWaker() {
        if (wakeTopic == null) return RelayWaker.NONE;
        return () -> wakePublisher().wake();
    }

    private PubSubRelayWaker wakePublisher() {
        PubSubRelayWaker w = wakePublisher;
        if (w == null) {
            synchronized (this) {
                w = wakePublisher;
                if (w == null) {
                    wakePublisher = w = new PubSubRelayWaker(wakeTopic.topic(), settings.emulatorHost() == null
                            ? PubSubConnection.google() : PubSubConnection.emulator(settings.emulatorHost()));
                }
            }
        }
        return w;
    }

    /** The publishers, built once on first use (only the relay needs them). */
    public PubSubEventPublisher publisher() {
        PubSubEventPublisher p = publisher;
        if (p == null) {
            synchronized (this) {
                p = publisher;
                if (p == null) {
                    if (settings.destinations().isEmpty()) {
                        throw new SettingException(EnvironmentVariables.DESTINATIONS, "is not set: the relay needs name=projects/P/topics/T,...");
                    }
                    PubSubConnection connection = settings.emulatorHost() == null
                            ? PubSubConnection.google() : PubSubConnection.emulator(settings.emulatorHost());
                    Duration publishTimeout = settings.timeout().dividedBy(2).compareTo(PublishSettings.MIN_PUBLISH_TIMEOUT) < 0
                            ? PublishSettings.MIN_PUBLISH_TIMEOUT : settings.timeout().dividedBy(2);
                    publisher = p = new PubSubEventPublisher(settings.destinations(), settings.orderedDestinations(),
                            PublishSettings.DEFAULTS.withPublishTimeout(publishTimeout), connection, settings.claimCheck(),
                            storage);
                }
            }
        }
        return p;
    }

    /**
     * Shuts the publishers down (flushing what they hold). A function instance never calls it (the
     * platform ends the process); a local run that made its own runtime with {@link #create} does.
     */
    @Override
    public void close() {
        PubSubEventPublisher p = publisher;
        if (p != null) p.close();
        PubSubRelayWaker w = wakePublisher;
        if (w != null) w.close();
        if (dataSource instanceof KeptConnection kept) kept.close();
        tracing.close();
    }
}
