package io.inlet.read;

/**
 * What one run of the subscriptions did.
 *
 * @param subscriptions subscriptions looked at
 * @param slices        slices (batches) run
 * @param delivered     events the destinations accepted
 * @param failing       subscriptions whose last slice failed to publish (they retry from their checkpoint)
 */
public record SubscriptionReport(int subscriptions, int slices, long delivered, int failing) {

    public static final SubscriptionReport NONE = new SubscriptionReport(0, 0, 0, 0);
}
