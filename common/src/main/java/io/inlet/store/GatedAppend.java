package io.inlet.store;

/**
 * The result of {@link EventStore#appendGated}: whether the gate let the append through, and the
 * outcome of each event as classified (when the gate was shut, nothing was written and the outcomes
 * say what an append would have done).
 */
public record GatedAppend(boolean passed, AppendOutcome outcome) {
}
