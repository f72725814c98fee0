package io.inlet.read;

/**
 * A subscription and how far behind the log it is.
 *
 * @param behind           events after its checkpoint that it will deliver, counted up to {@link Subscriptions#LAG_COUNT_CAP}
 * @param behindCapped     true when there are at least that many (the count stopped there)
 * @param oldestUnreadAgeSeconds age of the first event after its checkpoint (0 when none)
 */
public record SubscriptionStatus(Subscription subscription, State state, long behind, boolean behindCapped,
                                 long oldestUnreadAgeSeconds) {

    /** Where a subscription is in its life. */
    public enum State {
        /** Still working through history. */
        BACKFILLING,
        /** Has reached the tail once: it follows new events as they become readable. */
        LIVE,
        /** Its last slice failed to publish; it retries from its checkpoint at the next run. */
        FAILING
    }
}
