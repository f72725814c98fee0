package io.inlet.trigger;

/**
 * Sees each verdict once, from {@link DeliveryHandler}, on every path. Not a metrics road: the core's
 * meters ({@code io.inlet.metrics.InletMetrics}) are the only meter model, and each cloud exports
 * them (EMF on AWS, structured metric log lines on GCP); an observer is for what a caller must do per
 * verdict beyond that.
 */
@FunctionalInterface
public interface VerdictObserver {

    VerdictObserver NONE = (delivery, verdict) -> { };

    /** Must not throw; called after the delivery's work is committed or given up. */
    void observe(Delivery delivery, Verdict verdict);
}
