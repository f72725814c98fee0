package io.inlet.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.inlet.Inlet;
import io.inlet.arrival.ArrivalReport;
import io.inlet.trigger.Disposition;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point {@code io.inlet.gcp.ArrivalCheckFunction}: the scheduled arrival check, called by Cloud
 * Scheduler (HTTP, every 15 minutes by default). Judges every expecting feed's due slots and every open
 * file set's timeout ({@link Inlet#checkArrivals}), whose FileMissing, FileLate, FileShort and
 * FileSetIncomplete events go out through the outbox, each once. The core counts them
 * ({@code inlet.arrival.alerts}, {@code inlet.arrival.emitted} by kind), and the end of the request
 * logs them as metric lines ({@link io.inlet.gcp.metrics.MetricLogExporter}: {@code metric}
 * {@code arrival_alerts}), which the log-based metric of infra/gcp/modules/inlet/monitoring.tf (check_findings)
 * extracts (an alert fires at 1). Answers 200 with the counts,
 * 503 on a transient failure, 500 on another.
 */
public final class ArrivalCheckFunction implements HttpFunction {

    private static final Logger LOG = LoggerFactory.getLogger(ArrivalCheckFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<GcpRuntime> runtime;

    /** As the Functions Framework creates it: the instance's runtime from the environment. */
    public ArrivalCheckFunction() {
        this.runtime = GcpRuntime::shared;
    }

    /** Over a given runtime (tests, a local run). */
    public ArrivalCheckFunction(GcpRuntime runtime) {
        this.runtime = () -> runtime;
    }

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        try {
            ArrivalReport report = check();
            ObjectNode body = JSON.createObjectNode().put("alerts", report.alerts().size())
                    .put("incompleteSets", report.incompleteSets().size());
            PubSubPushFunction.write(response, 200, body);
        } catch (RuntimeException e) {
            Disposition d = Disposition.of(e);
            LOG.atError().setCause(e).addKeyValue("disposition", d.name()).log("arrival check failed: {}", e.getMessage());
            PubSubPushFunction.write(response, d == Disposition.RETRY ? 503 : 500,
                    JSON.createObjectNode().put("result", d == Disposition.RETRY ? "retry" : "failed")
                            .put("detail", String.valueOf(e.getMessage())));
        }
    }

    /** One check ({@link Inlet#checkArrivals}); its meters are logged as metric lines at the end. */
    public ArrivalReport check() {
        GcpRuntime r = runtime.get();
        r.beginInvocation();
        r.requestStarted();
        ArrivalReport report;
        try {
            report = r.inlet().checkArrivals();
        } finally {
            r.requestFinished();
        }
        LOG.atInfo().log("arrival check: {} alert(s), {} incomplete file set(s)", report.alerts().size(),
                report.incompleteSets().size());
        return report;
    }
}
