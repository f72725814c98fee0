package io.inlet.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;
import io.inlet.failure.RetryableException;
import io.inlet.gcp.decode.StorageEventDecoder;

/**
 * Entry point {@code io.inlet.gcp.GcsObjectFunction}: Eventarc trigger
 * {@code google.cloud.storage.object.v1.finalized} (binary or structured mode). Ingests the object
 * generation; a redelivery of a generation already ingested appends nothing. Returning acknowledges;
 * throwing makes Eventarc retry (deploy with retry on failure).
 */
public final class GcsObjectFunction implements CloudEventsFunction {

    @Override
    public void accept(CloudEvent event) {
        GcpRuntime runtime = GcpRuntime.shared();
        DeliveryHandler.Result result = new DeliveryHandler(runtime.inlet(), runtime.objects())
                .handle(StorageEventDecoder.decode(event), runtime.deadline());
        if (!result.verdict().acknowledges()) throw new RetryableException(result.detail());
    }
}
