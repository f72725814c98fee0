package io.inlet;

import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.Deadline;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.RelayReport;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The assembled core, built once per execution environment and shared by every invocation.
 * Handlers translate a trigger into one of these calls and the result back; nothing else.
 *
 * <p>Failures: {@link io.inlet.failure.RetryableException} when trying again may succeed (database
 * unreachable, lease held elsewhere); {@link io.inlet.failure.PermanentException} when it cannot
 * (no feed for the key, unreadable file, malformed message).
 */
public final class Inlet {

    public static Builder builder() {
        return new Builder();
    }

    /** Ingests one object version, up to the deadline. Idempotent per object version. */
    public FileReport ingestFile(ObjectRef ref, ObjectSource source, Deadline deadline) {
        return ingestFile(ref, source, deadline, null);
    }

    /**
     * As {@link #ingestFile(ObjectRef, ObjectSource, Deadline)}, with the notification's S3
     * sequencer: a notification older than one already processed for the key ingests nothing.
     */
    public FileReport ingestFile(ObjectRef ref, ObjectSource source, Deadline deadline, String sequencer) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Records that an object version was removed (ObjectRemoved / OBJECT_DELETE); ingests nothing. */
    public FileReport recordRemoval(ObjectRef ref, String sequencer) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Appends the events a message carries, once per message id and once per event id. */
    public MessageOutcome ingestMessage(InboundMessage message) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Records a message that failed permanently, with the reason, before it goes to the dead-letter path. */
    public void recordFailedMessage(InboundMessage message, String reason) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Publishes due outbox rows until the outbox is drained or the deadline passes. */
    public RelayReport relay(EventPublisher publisher, Deadline deadline) {
        throw new UnsupportedOperationException("not yet built");
    }

    public FeedRegistry feeds() {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Configures an {@link Inlet}; {@link #build()} validates and fails at start-up when wrong. */
    public static final class Builder {
        private DataSource dataSource;
        private FeedRegistry feeds;
        private String workerId;
        private Duration leaseDuration = Duration.ofMinutes(15);

        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        public Builder feeds(FeedRegistry feeds) {
            this.feeds = feeds;
            return this;
        }

        /** Names this worker in leases (a Lambda log stream, a hostname); random when unset. */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
            return this;
        }

        public Inlet build() {
            throw new UnsupportedOperationException("not yet built");
        }
    }
}
