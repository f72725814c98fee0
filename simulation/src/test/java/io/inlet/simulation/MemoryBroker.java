package io.inlet.simulation;

import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory broker keeping the {@link EventPublisher} contract, with injected faults:
 * per-message failures (returned, never thrown; once a message of a stream fails, the stream's later
 * messages in the same call are failed too, as the FIFO publishers do), an exception before
 * anything is accepted (broker unreachable), and an exception after everything was accepted (the
 * relay "crashes" between publish and mark: the rows go out again).
 *
 * <p>Faults are decided by a hash of (seed, destination, event id, attempt), not by a shared random,
 * so concurrent relays draw the same faults for the same messages whatever the interleaving.
 * Faults stop after {@link Faults#lastFaultyAttempt()} attempts of a message, so every run drains.
 */
final class MemoryBroker implements EventPublisher {

    /** One accepted message, in the order the broker accepted them. */
    record Accepted(long order, String destination, String streamId, UUID eventId, long outboxId) {
    }

    /** Fault rates per attempt of a message (0 = never). */
    record Faults(double failMessage, double throwBefore, double crashAfter, int lastFaultyAttempt) {
        static final Faults NONE = new Faults(0, 0, 0, 0);
    }

    private final long seed;
    private final Faults faults;
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final List<Accepted> log = new ArrayList<>();

    MemoryBroker(long seed, Faults faults) {
        this.seed = seed;
        this.faults = faults;
    }

    @Override
    public PublishResult publish(List<OutboxMessage> batch) {
        if (batch.isEmpty()) return new PublishResult(Map.of(), Map.of());
        OutboxMessage first = batch.get(0);
        int firstAttempt = attempts.getOrDefault(key(first), 0) + 1;
        if (draw(first, firstAttempt, 1) < faults.throwBefore()) {
            batch.forEach(m -> attempts.merge(key(m), 1, Integer::sum));
            throw new IllegalStateException("simulated: broker unreachable");
        }
        Map<Long, String> published = new LinkedHashMap<>();
        Map<Long, String> failed = new LinkedHashMap<>();
        Set<String> failedStreams = new HashSet<>();
        for (OutboxMessage m : batch) {
            int attempt = attempts.merge(key(m), 1, Integer::sum);
            String stream = m.destination() + "\u0000" + m.streamId();
            if (m.streamId() != null && failedStreams.contains(stream)) {
                failed.put(m.outboxId(), "simulated: an earlier message of the stream failed in this call");
            } else if (draw(m, attempt, 2) < faults.failMessage()) {
                failed.put(m.outboxId(), "simulated: throttled");
                failedStreams.add(stream);
            } else {
                synchronized (log) {
                    log.add(new Accepted(log.size(), m.destination(), m.streamId(), m.eventId(), m.outboxId()));
                }
                published.put(m.outboxId(), "msg-" + m.eventId() + "-" + attempt);
            }
        }
        if (!published.isEmpty() && draw(first, firstAttempt, 3) < faults.crashAfter()) {
            throw new IllegalStateException("simulated: relay crashed after the broker accepted " + published.size());
        }
        return new PublishResult(published, failed);
    }

    List<Accepted> accepted() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    private static String key(OutboxMessage m) {
        return m.destination() + "\u0000" + m.eventId();
    }

    /** A uniform number in [0, 1) from (seed, message, attempt, which fault); 1 past the faulty attempts. */
    private double draw(OutboxMessage m, int attempt, int which) {
        if (attempt > faults.lastFaultyAttempt()) return 1;
        long h = seed * 0x9E3779B97F4A7C15L ^ m.eventId().getMostSignificantBits() ^ Long.rotateLeft(m.eventId().getLeastSignificantBits(), 17)
                ^ m.destination().hashCode() * 0xC2B2AE3D27D4EB4FL ^ (long) attempt << 40 ^ (long) which << 56;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }
}
