package io.inlet.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;
import io.inlet.failure.RetryableException;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.trigger.Verdict;
import java.util.function.Supplier;

/**
 * Entry point {@code io.inlet.gcp.GcsObjectFunction}: Eventarc trigger
 * {@code google.cloud.storage.object.v1.finalized} (binary or structured mode). Ingests the object
 * generation; a redelivery of a generation already ingested appends nothing. Returning acknowledges;
 * throwing makes Eventarc retry (deploy with retry on failure).
 */
public final class GcsObjectFunction implements CloudEventsFunction {

    private final Supplier<GcpRuntime> runtime;

    /** As the Functions Framework creates it: the instance's runtime from the environment. */
    public GcsObjectFunction() {
        this.runtime = GcpRuntime::shared;
    }

    /** Over a given runtime (a local run of the GCP path, e.g. {@code inlet demo gcp}). */
    public GcsObjectFunction(GcpRuntime runtime) {
        this.runtime = () -> runtime;
    }

    @Override
    public void accept(CloudEvent event) {
        GcpRuntime runtime = this.runtime.get();
        runtime.beginInvocation();
        runtime.requestStarted();
        Verdict verdict;
        try {
            verdict = runtime.deliveries().handle(StorageEventDecoder.decode(event), runtime.deadline());
        } finally {
            runtime.requestFinished();
        }
        if (!verdict.acknowledges()) throw new RetryableException(verdict.detail());
    }
}
