package io.inlet.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.inlet.gcp.decode.PushDelivery;
import io.inlet.gcp.decode.PushEnvelopeDecoder;
import io.inlet.gcp.storage.GcsPointerResolver;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Verdict;
import java.io.IOException;
import java.io.Writer;

/**
 * Entry point {@code io.inlet.gcp.PubSubPushFunction}: the endpoint of a Pub/Sub push subscription.
 * Pub/Sub acknowledges on 2xx and redelivers (with backoff) on anything else.
 *
 * <table>
 *   <caption>Status mapping</caption>
 *   <tr><td>200 {@code done}</td><td>ingested, already ingested, or nothing to ingest</td></tr>
 *   <tr><td>200 {@code gave-up}</td><td>permanent failure (poison payload, malformed event, no feed): recorded
 *       with its reason in PostgreSQL and acknowledged, so it is never redelivered</td></tr>
 *   <tr><td>429</td><td>not finished yet (file suspended at a checkpoint, or leased by another worker): redeliver later</td></tr>
 *   <tr><td>503</td><td>transient failure (database unreachable, timeout), or the instance cannot start
 *       (a wrong setting): redeliver</td></tr>
 *   <tr><td>405</td><td>not a POST</td></tr>
 * </table>
 */
public final class PubSubPushFunction implements HttpFunction {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            write(response, 405, JSON.createObjectNode().put("result", "method-not-allowed"));
            return;
        }
        GcpRuntime runtime;
        try {
            runtime = GcpRuntime.shared();
            runtime.beginInvocation();
        } catch (RuntimeException e) {
            // A wrong setting or an unreachable database at start-up: keep the message, it is not its fault.
            write(response, 503, JSON.createObjectNode().put("result", "retry").put("detail", String.valueOf(e.getMessage())));
            return;
        }
        PushDelivery delivery = PushEnvelopeDecoder.decode(request.getInputStream().readAllBytes(), runtime.settings().channel());
        Delivery content;
        try {
            content = runtime.resolvePointers(delivery.content());
        } catch (GcsPointerResolver.PayloadUnavailableException e) {
            write(response, 503, JSON.createObjectNode().put("result", "retry").put("detail", e.getMessage())
                    .put("deliveryAttempt", delivery.deliveryAttempt()));
            return;
        }
        runtime.requestStarted();
        Verdict verdict;
        try {
            verdict = runtime.deliveries().handle(content, runtime.deadline());
        } finally {
            runtime.requestFinished();
        }
        ObjectNode body = JSON.createObjectNode().put("detail", verdict.detail()).put("deliveryAttempt", delivery.deliveryAttempt());
        switch (verdict.outcome()) {
            case DONE -> write(response, 200, body.put("result", "done"));
            case GAVE_UP -> write(response, 200, body.put("result", "gave-up"));
            case RETRY_LATER -> write(response, 429, body.put("result", "retry-later"));
            case RETRY -> write(response, 503, body.put("result", "retry"));
        }
    }

    static void write(HttpResponse response, int status, ObjectNode body) throws IOException {
        response.setStatusCode(status);
        response.setContentType("application/json");
        try (Writer w = response.getWriter()) {
            w.write(JSON.writeValueAsString(body));
        }
    }
}
