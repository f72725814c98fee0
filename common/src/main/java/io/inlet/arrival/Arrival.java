package io.inlet.arrival;

import java.time.Instant;

/**
 * One object version of a feed as the arrival check sees it: when the ledger first saw it, whether
 * it is finished, and how many records it read when it completed.
 *
 * @param at       when the ledger first recorded the version ({@code created_at})
 * @param key      the object key
 * @param finished whether it left IN_PROGRESS and HELD (completed, rejected, a duplicate)
 * @param records  records read, counted only for a COMPLETED version (else 0)
 */
public record Arrival(Instant at, String key, boolean finished, long records) {
}
