package io.inlet.gcp.pubsub;

import com.google.api.core.ApiFuture;
import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.batching.FlowController;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.inlet.gcp.storage.GcsClaimCheck;
import io.inlet.gcp.storage.GcsPointer;
import com.google.pubsub.v1.TopicName;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes outbox messages to Pub/Sub topics with the client library's {@link Publisher}, one per
 * topic, built once and reused across invocations.
 *
 * <p>Each message carries the CloudEvent JSON as data and the attributes {@code eventType},
 * {@code schemaVersion}, {@code correlationId} and, when the correlation id is a trace id,
 * {@code traceparent} (W3C trace context, the same as the CloudEvent's extension); on a destination with ordering on, the stream id
 * is the ordering key, so subscribers with ordering see a stream's events in outbox order.
 *
 * <p>A message whose data plus attributes is over the claim check's threshold (default Pub/Sub's 10 MB) is
 * written to the claim-check bucket and sent as a {@link GcsPointer} with the same attributes plus
 * {@code inletPayloadSize}; without a claim-check bucket such a message fails.
 *
 * <p>Per-message failures (unknown destination, rejected, timed out) are returned, never thrown. When
 * a message with an ordering key fails, the client refuses the key's later messages until
 * {@link Publisher#resumePublish} is called: they fail too (which keeps the order) and the key is
 * resumed for the relay's next attempt.
 */
public final class PubSubEventPublisher implements EventPublisher, AutoCloseable {

    public static final String EVENT_TYPE = "eventType";
    public static final String SCHEMA_VERSION = "schemaVersion";
    public static final String CORRELATION_ID = "correlationId";
    public static final String TRACEPARENT = "traceparent";

    /** How long {@link #close} waits for the publishers to finish what they hold. */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final Map<String, Publisher> publishers = new HashMap<>();
    private final Set<String> ordered;
    private final Duration resultTimeout;
    private final GcsClaimCheck claimCheck;
    private final Storage storage;

    /**
     * @param topics   logical destination name -> topic
     * @param ordered  destinations whose messages carry the stream id as ordering key
     */
    public PubSubEventPublisher(Map<String, TopicName> topics, Set<String> ordered, PublishSettings settings,
                                PubSubConnection connection) {
        this(topics, ordered, settings, connection, GcsClaimCheck.NONE, null);
    }

    /**
     * @param claimCheck where messages over its threshold go
     * @param storage    writes the claim checks; may be null when the claim check has no bucket
     */
    public PubSubEventPublisher(Map<String, TopicName> topics, Set<String> ordered, PublishSettings settings,
                                PubSubConnection connection, GcsClaimCheck claimCheck, Storage storage) {
        if (claimCheck.bucket() != null && storage == null) throw new IllegalArgumentException("a claim check needs storage");
        this.claimCheck = claimCheck;
        this.storage = storage;
        Set<String> unknown = new HashSet<>(ordered);
        unknown.removeAll(topics.keySet());
        if (!unknown.isEmpty()) throw new IllegalArgumentException("ordered destinations without a topic: " + unknown);
        this.ordered = Set.copyOf(ordered);
        this.resultTimeout = settings.publishTimeout().plusSeconds(5);
        try {
            for (Map.Entry<String, TopicName> e : topics.entrySet()) {
                publishers.put(e.getKey(), build(e.getValue(), this.ordered.contains(e.getKey()), settings, connection));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create Pub/Sub publishers", e);
        }
    }

    private static Publisher build(TopicName topic, boolean ordering, PublishSettings s, PubSubConnection connection)
            throws IOException {
        FlowControlSettings flow = FlowControlSettings.newBuilder()
                .setMaxOutstandingElementCount(s.maxOutstandingMessages())
                .setMaxOutstandingRequestBytes(s.maxOutstandingBytes())
                .setLimitExceededBehavior(FlowController.LimitExceededBehavior.Block)
                .build();
        BatchingSettings batching = BatchingSettings.newBuilder()
                .setElementCountThreshold(s.batchMessages())
                .setRequestByteThreshold(s.batchBytes())
                .setDelayThresholdDuration(s.batchDelay())
                .setFlowControlSettings(flow)
                .build();
        RetrySettings retry = RetrySettings.newBuilder()
                .setInitialRetryDelayDuration(Duration.ofMillis(100))
                .setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(Duration.ofSeconds(5))
                .setInitialRpcTimeoutDuration(Duration.ofSeconds(10))
                .setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(Duration.ofSeconds(10))
                .setTotalTimeoutDuration(s.publishTimeout())
                .build();
        Publisher.Builder b = Publisher.newBuilder(topic)
                .setBatchingSettings(batching)
                .setRetrySettings(retry)
                .setEnableMessageOrdering(ordering);
        if (connection.isEmulator()) {
            b.setChannelProvider(connection.channelProvider()).setCredentialsProvider(connection.credentialsProvider());
        }
        return b.build();
    }

    @Override
    public PublishResult publish(java.util.List<OutboxMessage> batch) {
        Map<Long, String> published = new LinkedHashMap<>();
        Map<Long, String> failed = new LinkedHashMap<>();
        Map<OutboxMessage, ApiFuture<String>> pending = new LinkedHashMap<>();
        Set<Publisher> used = new HashSet<>();
        // ordering keys whose message failed before reaching the client (which would have paused the key itself)
        Set<java.util.List<String>> stoppedKeys = new HashSet<>();
        for (OutboxMessage m : batch) {
            Publisher publisher = publishers.get(m.destination());
            if (publisher == null) {
                failed.put(m.outboxId(), "unknown destination '" + m.destination() + "': not in INLET_DESTINATIONS");
                continue;
            }
            java.util.List<String> key = ordered.contains(m.destination()) && m.streamId() != null
                    ? java.util.List.of(m.destination(), m.streamId()) : null;
            if (key != null && stoppedKeys.contains(key)) {
                failed.put(m.outboxId(), "not sent: an earlier message of stream '" + m.streamId() + "' failed");
                continue;
            }
            PubsubMessage message;
            try {
                message = toPubsub(m);
            } catch (ClaimCheckFailed | StorageException ex) {
                failed.put(m.outboxId(), "claim check failed: " + ex.getMessage());
                if (key != null) stoppedKeys.add(key);
                continue;
            }
            pending.put(m, publisher.publish(message));
            used.add(publisher);
        }
        // Send now rather than wait for the batch delay: the relay has handed over a whole batch.
        used.forEach(Publisher::publishAllOutstanding);
        for (Map.Entry<OutboxMessage, ApiFuture<String>> e : pending.entrySet()) {
            OutboxMessage m = e.getKey();
            try {
                published.put(m.outboxId(), e.getValue().get(resultTimeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException ex) {
                failed.put(m.outboxId(), "publish to " + m.destination() + " failed: " + describe(ex.getCause()));
                resumeOrdering(m);
            } catch (TimeoutException ex) {
                e.getValue().cancel(true);
                failed.put(m.outboxId(), "publish to " + m.destination() + " not confirmed within " + resultTimeout);
                resumeOrdering(m);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing; the batch's outcome is unknown", ex);
            }
        }
        return new PublishResult(published, failed);
    }

    PubsubMessage toPubsub(OutboxMessage m) {
        PubsubMessage.Builder b = PubsubMessage.newBuilder()
                .setData(ByteString.copyFromUtf8(m.body()))
                .putAttributes(EVENT_TYPE, m.eventType())
                .putAttributes(SCHEMA_VERSION, Integer.toString(m.schemaVersion()));
        if (m.correlationId() != null) b.putAttributes(CORRELATION_ID, m.correlationId());
        if (m.traceparent() != null) b.putAttributes(TRACEPARENT, m.traceparent());
        if (ordered.contains(m.destination()) && m.streamId() != null) b.setOrderingKey(m.streamId());
        int dataBytes = b.getData().size();
        int size = dataBytes + b.getAttributesMap().entrySet().stream()
                .mapToInt(a -> utf8Bytes(a.getKey()) + utf8Bytes(a.getValue())).sum() + utf8Bytes(b.getOrderingKey());
        if (size <= claimCheck.thresholdBytes()) return b.build();
        if (claimCheck.bucket() == null) {
            throw new ClaimCheckFailed("message of " + size + " bytes is over " + claimCheck.thresholdBytes()
                    + " and no claim-check bucket is configured (" + GcsClaimCheck.BUCKET + ")");
        }
        GcsPointer pointer = new GcsPointer(claimCheck.bucket(), claimCheck.objectFor(m.destination(), m.eventId().toString()));
        storage.create(BlobInfo.newBuilder(pointer.bucket(), pointer.name()).setContentType("application/cloudevents+json")
                .build(), b.getData().toByteArray());
        return b.setData(ByteString.copyFromUtf8(pointer.toJson()))
                .putAttributes(GcsPointer.SIZE_ATTRIBUTE, Integer.toString(dataBytes)).build();
    }

    private static int utf8Bytes(String s) {
        return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static final class ClaimCheckFailed extends RuntimeException {
        ClaimCheckFailed(String message) {
            super(message);
        }
    }

    private void resumeOrdering(OutboxMessage m) {
        if (ordered.contains(m.destination()) && m.streamId() != null) {
            publishers.get(m.destination()).resumePublish(m.streamId());
        }
    }

    private static String describe(Throwable t) {
        return t == null ? "unknown" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * Shuts every topic's publisher down, waiting at most {@link #SHUTDOWN_WAIT} in all. After an
     * ordering key failed, the client's {@code Publisher.shutdown()} can wait for ever on messages it
     * cancelled itself (googleapis/google-cloud-java#14001): each runs on a daemon thread of its own,
     * so a stuck one is left behind instead of hanging the caller.
     */
    @Override
    public void close() {
        long until = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        java.util.List<Thread> stopping = new java.util.ArrayList<>();
        for (Publisher p : publishers.values()) {
            Thread t = new Thread(() -> {
                p.shutdown();
                try {
                    p.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "inlet-pubsub-shutdown");
            t.setDaemon(true);
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
