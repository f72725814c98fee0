package io.inlet.outbox;

/**
 * Wakes the outbox relay now instead of at its next scheduled run: one small message to the relay's
 * wake queue (SQS) or topic (Pub/Sub). A wake carries nothing: the relay reads what is due from the
 * outbox, so any number of wakes, early or late, lost or repeated, publish the same rows.
 *
 * <p>Contract: called only after a transaction that wrote outbox rows has committed, never for one that
 * rolled back ({@code io.inlet.trigger.WakeOnCommit} calls it from the verdict of a finished delivery).
 * An implementation may throw a {@link RuntimeException} when the send fails; callers
 * ({@link WakeCoalescer}) never let it reach the ingestion, which is already committed: a lost wake
 * costs latency (the rows wait for the scheduled relay, at most its period), never a row.
 */
@FunctionalInterface
public interface RelayWaker {

    /** Waking nothing: the relay runs on its schedule only (the CLI, a deployment without a wake queue). */
    RelayWaker NONE = () -> { };

    /** Sends one wake-up; throws when the send fails (nothing else to undo). */
    void wake();
}
