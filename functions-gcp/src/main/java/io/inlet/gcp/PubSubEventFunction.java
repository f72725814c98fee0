package io.inlet.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;
import io.inlet.failure.RetryableException;
import io.inlet.gcp.decode.MessagePublishedDecoder;
import io.inlet.gcp.storage.GcsPointerResolver;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Verdict;
import java.util.function.Supplier;

/**
 * Entry point {@code io.inlet.gcp.PubSubEventFunction}: trigger
 * {@code google.cloud.pubsub.topic.v1.messagePublished}. A GCS notification goes the file path; a
 * business event (plain JSON or a CloudEvent) is appended once per Pub/Sub message id and event id.
 * Returning acknowledges; throwing makes Pub/Sub redeliver (deploy with retry on failure and a
 * dead-letter topic on the trigger's subscription).
 */
public final class PubSubEventFunction implements CloudEventsFunction {

    private final Supplier<GcpRuntime> runtime;

    /** As the Functions Framework creates it: the instance's runtime from the environment. */
    public PubSubEventFunction() {
        this.runtime = GcpRuntime::shared;
    }

    /** Over a given runtime (a local run of the GCP path, e.g. {@code inlet demo gcp}). */
    public PubSubEventFunction(GcpRuntime runtime) {
        this.runtime = () -> runtime;
    }

    @Override
    public void accept(CloudEvent event) {
        GcpRuntime runtime = this.runtime.get();
        runtime.beginInvocation();
        Delivery delivery;
        try {
            delivery = runtime.resolvePointers(MessagePublishedDecoder.decode(event, runtime.settings().channel()));
        } catch (GcsPointerResolver.PayloadUnavailableException e) {
            throw new RetryableException(e.getMessage());
        }
        runtime.requestStarted();
        Verdict verdict;
        try {
            verdict = runtime.deliveries().handle(delivery, runtime.deadline());
        } finally {
            runtime.requestFinished();
        }
        if (!verdict.acknowledges()) throw new RetryableException(verdict.detail());
    }
}
