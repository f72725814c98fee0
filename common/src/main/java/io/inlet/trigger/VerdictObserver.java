package io.inlet.trigger;

/**
 * Where a cloud sends each verdict for its metrics (CloudWatch EMF on AWS; GCP's log-based metrics
 * read the verdict's log line). The one road metrics take: every delivery on every path reaches it
 * once, from {@link DeliveryHandler}.
 */
@FunctionalInterface
public interface VerdictObserver {

    VerdictObserver NONE = (delivery, verdict) -> { };

    /** Must not throw; called after the delivery's work is committed or given up. */
    void observe(Delivery delivery, Verdict verdict);
}
