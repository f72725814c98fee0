package io.inlet.gcp.pubsub;

import com.google.api.gax.batching.BatchingSettings;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.inlet.outbox.RelayWaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Wakes the relay function with one message on the wake topic, whose push subscription calls the
 * relay (at most one relay instance, one request at a time: the coalescing on Pub/Sub's side;
 * docs/gcp.md). The body carries nothing the relay reads. Each wake is sent at once (no batching
 * delay) and waited for at most {@link #CALL_TIMEOUT}; a failure throws, and the caller counts and
 * forgets it.
 */
public final class PubSubRelayWaker implements RelayWaker, AutoCloseable {

    /** The longest a wake may hold the ingestion that sends it. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    static final ByteString BODY = ByteString.copyFromUtf8("{\"inlet\":\"relay-wake\"}");

    private final Publisher publisher;
    private final PubSubConnection connection;

    /** @param connection owned by this waker from now on, closed with it */
    public PubSubRelayWaker(TopicName topic, PubSubConnection connection) {
        this.connection = connection;
        try {
            Publisher.Builder b = Publisher.newBuilder(topic)
                    .setBatchingSettings(BatchingSettings.newBuilder().setElementCountThreshold(1L)
                            .setDelayThresholdDuration(Duration.ofMillis(1)).build());
            if (connection.isEmulator()) {
                b.setChannelProvider(connection.channelProvider()).setCredentialsProvider(connection.credentialsProvider());
            }
            this.publisher = b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the relay wake publisher for " + topic, e);
        }
    }

    @Override
    public void wake() {
        try {
            publisher.publish(PubsubMessage.newBuilder().setData(BODY).build()).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("relay wake interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("relay wake not published: " + e, e);
        }
    }

    @Override
    public void close() {
        publisher.shutdown();
        try {
            publisher.awaitTermination(5, TimeUnit.SECONDS);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
