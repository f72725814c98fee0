package io.inlet.store;

import java.util.List;

/**
 * The result of appending one batch: one outcome per event, in the batch's order.
 */
public record AppendOutcome(List<EventOutcome> outcomes) {

    public AppendOutcome {
        outcomes = List.copyOf(outcomes);
    }

    public long count(EventOutcome outcome) {
        return outcomes.stream().filter(o -> o == outcome).count();
    }

    public long appended() {
        return count(EventOutcome.APPENDED);
    }

    public long duplicates() {
        return count(EventOutcome.DUPLICATE);
    }

    public long conflicts() {
        return count(EventOutcome.CONFLICT);
    }

    public long refused() {
        return count(EventOutcome.REFUSED);
    }
}
