package io.inlet.ledger;

import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FileLedger#claim} needs: the object version, its feed, the notification's order
 * ({@code sequencer}, null when the trigger gives none), who claims it and for how long. A first
 * claim records {@code correlationId} (the notification's trace id; a random one when null) and
 * {@code lanes}; a later claim keeps both. With {@code owners} (this process's attempts), a lease held
 * by an attempt of this process that no longer runs is taken over at once, not only an expired one.
 */
public record ClaimRequest(ObjectRef ref, String feed, ObjectSequencer sequencer, String worker, Duration lease,
                           String correlationId, LeaseOwners owners, int lanes) {

    public ClaimRequest {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) throw new IllegalArgumentException("lease must be positive: " + lease);
        if (lanes < 1) throw new IllegalArgumentException("lanes must be at least 1: " + lanes);
    }

    /** A claim of {@code ref} for {@code feed} by {@code worker} for {@code lease}; the rest optional. */
    public static Builder builder(ObjectRef ref, String feed, String worker, Duration lease) {
        return new Builder(ref, feed, worker, lease);
    }

    public static final class Builder {
        private final ObjectRef ref;
        private final String feed;
        private final String worker;
        private final Duration lease;
        private ObjectSequencer sequencer;
        private String correlationId;
        private LeaseOwners owners;
        private int lanes = 1;

        private Builder(ObjectRef ref, String feed, String worker, Duration lease) {
            this.ref = ref;
            this.feed = feed;
            this.worker = worker;
            this.lease = lease;
        }

        public Builder sequencer(ObjectSequencer sequencer) {
            this.sequencer = sequencer;
            return this;
        }

        public Builder correlationId(String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        public Builder owners(LeaseOwners owners) {
            this.owners = owners;
            return this;
        }

        public Builder lanes(int lanes) {
            this.lanes = lanes;
            return this;
        }

        /** The request; a missing or invalid value fails here, naming it. */
        public ClaimRequest build() {
            return new ClaimRequest(ref, feed, sequencer, worker, lease, correlationId, owners, lanes);
        }
    }
}
