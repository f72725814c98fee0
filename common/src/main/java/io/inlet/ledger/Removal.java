package io.inlet.ledger;

/** The answer of {@link FileLedger#recordRemoval}: whether the removal was recorded. */
public sealed interface Removal {

    /** Recorded (or already recorded): the key's ledger row of the removal. */
    record Recorded(long fileId) implements Removal {
    }

    /** Older (by sequencer or generation) than a notification already recorded for the key: discarded. */
    record Stale(String newerSequencer) implements Removal {
    }
}
