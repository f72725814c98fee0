package io.inlet.gcp.pubsub;

import java.time.Duration;

/**
 * How the Pub/Sub {@code Publisher} batches and throttles: set explicitly rather than inherited from
 * the client's defaults, so a relay run's behaviour is visible here.
 *
 * @param batchMessages        a batch is sent when it holds this many messages...
 * @param batchBytes           ...or this many bytes...
 * @param batchDelay           ...or has waited this long (the relay also flushes at the end of each outbox batch)
 * @param maxOutstandingMessages flow control: publish blocks while this many messages await the broker's answer
 * @param maxOutstandingBytes  flow control: or this many bytes
 * @param publishTimeout       total time the client retries one publish before reporting it failed
 */
public record PublishSettings(long batchMessages, long batchBytes, Duration batchDelay,
                              long maxOutstandingMessages, long maxOutstandingBytes, Duration publishTimeout) {

    public static final Duration MIN_PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    /** Pub/Sub caps a publish request at 1000 messages and 10 MB; these stay well inside. */
    public static final PublishSettings DEFAULTS = new PublishSettings(
            100, 1_000_000, Duration.ofMillis(10), 1_000, 16_000_000, Duration.ofSeconds(60));

    public PublishSettings {
        if (batchMessages <= 0 || batchMessages > 1000) throw new IllegalArgumentException("batchMessages must be 1..1000");
        if (batchBytes <= 0 || batchBytes > 10_000_000) throw new IllegalArgumentException("batchBytes must be 1..10000000");
        if (maxOutstandingMessages < batchMessages) throw new IllegalArgumentException("maxOutstandingMessages < batchMessages");
        if (maxOutstandingBytes < batchBytes) throw new IllegalArgumentException("maxOutstandingBytes < batchBytes");
        if (batchDelay.isNegative()) throw new IllegalArgumentException("batchDelay must be >= 0");
        // The client refuses a total publish timeout under 10 s.
        if (publishTimeout.compareTo(MIN_PUBLISH_TIMEOUT) < 0) {
            throw new IllegalArgumentException("publishTimeout must be at least " + MIN_PUBLISH_TIMEOUT + ": " + publishTimeout);
        }
    }

    public PublishSettings withPublishTimeout(Duration timeout) {
        return new PublishSettings(batchMessages, batchBytes, batchDelay, maxOutstandingMessages, maxOutstandingBytes, timeout);
    }
}
