package io.inlet.store;

import java.util.List;

/**
 * What an append commits only together with, decided inside the append's own statement
 * ({@link EventStore#appendGated}): the text of a data-modifying CTE named {@code gate}, which may read
 * the CTE {@code counts (appended, duplicate, conflict)} (the batch's outcomes as the append classified
 * them) and returns a row when the append is to go ahead; its {@code ?} parameters, in order. A gate
 * must write only rows it selects from {@code counts}: {@code counts} has no row when the append must
 * not write anything ({@link StaleFeedsException}), and the gate must then write nothing either.
 * The message ledger's claim is one: the message's row is written with its counts, and the events are
 * inserted only if that row was written.
 */
public record AppendGate(String cte, List<Object> parameters) {

    public AppendGate {
        parameters = List.copyOf(parameters);
    }
}
