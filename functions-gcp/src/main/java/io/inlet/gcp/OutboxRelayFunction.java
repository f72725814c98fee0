package io.inlet.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.inlet.outbox.RelayReport;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point {@code io.inlet.gcp.OutboxRelayFunction}: called by Cloud Scheduler (HTTP, every
 * minute or so). Publishes due outbox rows with {@code PubSubEventPublisher} until the outbox is
 * drained or the configured timeout (less a margin) has passed; answers 200 with the report, 503 on
 * a transient failure (Cloud Scheduler retries per its retry config), 500 on a permanent one.
 */
public final class OutboxRelayFunction implements HttpFunction {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        GcpRuntime runtime = GcpRuntime.shared();
        try {
            RelayReport report = runtime.inlet().relay(runtime.publisher(), runtime.deadline());
            LOG.atInfo().addKeyValue("published", report.published()).addKeyValue("failed", report.failed())
                    .addKeyValue("batches", report.batches()).addKeyValue("pending", report.pending())
                    .log("relay published {} failed {} pending {}", report.published(), report.failed(), report.pending());
            PubSubPushFunction.write(response, 200, JSON.valueToTree(report));
        } catch (RuntimeException e) {
            Disposition d = Disposition.of(e);
            LOG.atError().setCause(e).addKeyValue("disposition", d.name()).log("relay failed: {}", e.getMessage());
            PubSubPushFunction.write(response, d == Disposition.RETRY ? 503 : 500,
                    JSON.createObjectNode().put("result", d == Disposition.RETRY ? "retry" : "failed")
                            .put("detail", String.valueOf(e.getMessage())));
        }
    }
}
