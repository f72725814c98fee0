package io.inlet.read;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to read.
 *
 * @param after  read events after this checkpoint
 * @param tables event tables to read; empty means every registered event table
 * @param types  event types to return; empty means every type
 * @param limit  at most this many events (1 to {@value #MAX_LIMIT})
 */
public record ReadRequest(Checkpoint after, List<String> tables, Set<String> types, int limit) {

    public static final int MAX_LIMIT = 10_000;

    public ReadRequest {
        Objects.requireNonNull(after, "after");
        tables = List.copyOf(tables);
        types = Set.copyOf(types);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is out of range: give 1 to " + MAX_LIMIT);
        }
    }

    /** Every event of every table after {@code after}, at most {@code limit}. */
    public static ReadRequest all(Checkpoint after, int limit) {
        return new ReadRequest(after, List.of(), Set.of(), limit);
    }

    public ReadRequest after(Checkpoint next) {
        return new ReadRequest(next, tables, types, limit);
    }
}
