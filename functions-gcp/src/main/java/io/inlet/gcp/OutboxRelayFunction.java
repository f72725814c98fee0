package io.inlet.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.inlet.failure.Deadline;
import io.inlet.outbox.RelayReport;
import io.inlet.outbox.RelayWakeSettings;
import io.inlet.projection.ProjectorReport;
import io.inlet.read.SubscriptionReport;
import io.inlet.trigger.Disposition;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point {@code io.inlet.gcp.OutboxRelayFunction}: called by Cloud Scheduler (HTTP, every
 * minute or so). Publishes due outbox rows with {@code PubSubEventPublisher} until the outbox is
 * drained or the configured timeout (less a margin) has passed; answers 200 with the report, 503 on
 * a transient failure (Cloud Scheduler retries per its retry config), 500 on a permanent one.
 *
 * <p>Each run logs one structured line with {@code outbox_lag_seconds} (age of the oldest row still
 * unpublished after the run), {@code outbox_published}, {@code outbox_publish_failed} and
 * {@code outbox_pending} and {@code outbox_blocked} (rows blocked after the attempt limit,
 * {@code INLET_RELAY_MAX_ATTEMPTS}): the log-based metrics {@code outbox_lag_seconds} and
 * {@code outbox_blocked} in infra/gcp/modules/inlet/monitoring.tf extract them, and an alert fires on a blocked row.
 * After the outbox, it runs each catch-up subscription's slices in the time left.
 *
 * <p>Also the push endpoint of the wake topic's subscription ({@code INLET_RELAY_WAKE_TOPIC}): a
 * request whose body is a Pub/Sub push envelope is a wake-up sent right after an ingestion committed
 * outbox rows, and the relay then lingers for the commits that wake coalesced ({@link io.inlet.Inlet#relayWoken};
 * docs/gcp.md "Relay wake-up"). 200 acknowledges the wake.
 */
public final class OutboxRelayFunction implements HttpFunction {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<GcpRuntime> runtime;

    /** As the Functions Framework creates it: the instance's runtime from the environment. */
    public OutboxRelayFunction() {
        this.runtime = GcpRuntime::shared;
    }

    /** Over a given runtime (a local run of the GCP path, e.g. {@code inlet demo gcp}). */
    public OutboxRelayFunction(GcpRuntime runtime) {
        this.runtime = () -> runtime;
    }

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        try {
            RelayReport report = relay(isWake(request));
            PubSubPushFunction.write(response, 200, JSON.valueToTree(report));
        } catch (RuntimeException e) {
            Disposition d = Disposition.of(e);
            LOG.atError().setCause(e).addKeyValue("disposition", d.name()).log("relay failed: {}", e.getMessage());
            PubSubPushFunction.write(response, d == Disposition.RETRY ? 503 : 500,
                    JSON.createObjectNode().put("result", d == Disposition.RETRY ? "retry" : "failed")
                            .put("detail", String.valueOf(e.getMessage())));
        }
    }

    /** One scheduled relay run: publishes through the runtime's Pub/Sub publisher until drained or the deadline, and logs the report. */
    public RelayReport relay() {
        return relay(false);
    }

    /** A push envelope of the wake topic's subscription (Cloud Scheduler posts no such body). */
    static boolean isWake(HttpRequest request) throws IOException {
        if (!"POST".equalsIgnoreCase(request.getMethod())) return false;
        byte[] body = request.getInputStream().readNBytes(64 * 1024);
        if (body.length == 0) return false;
        try {
            com.fasterxml.jackson.databind.JsonNode envelope = JSON.readTree(body);
            return envelope != null && envelope.isObject() && envelope.has("subscription") && envelope.path("message").isObject();
        } catch (IOException notJson) {
            return false;
        }
    }

    /**
     * One relay run; {@code woken}: started by a wake-up, it lingers for the commits the wake coalesced
     * and wakes a successor if its deadline stops it with rows pending.
     */
    public RelayReport relay(boolean woken) {
        GcpRuntime r = runtime.get();
        Deadline deadline = r.deadline(); // one for the relay and the projections after it
        r.beginInvocation();
        r.requestStarted();
        RelayReport report;
        try {
            report = woken
                    ? r.inlet().relayWoken(r.publisher(), deadline,
                            r.wakeTopic() == null ? RelayWakeSettings.DEFAULTS : r.wakeTopic().settings(), r.relayWaker())
                    : r.inlet().relay(r.publisher(), deadline);
        } finally {
            r.requestFinished();
        }
        LOG.atInfo().addKeyValue("outbox_lag_seconds", report.oldestPendingAgeSeconds())
                .addKeyValue("outbox_published", report.published())
                .addKeyValue("outbox_publish_failed", report.failed())
                .addKeyValue("outbox_pending", report.pending())
                .addKeyValue("outbox_blocked", report.blocked())
                .addKeyValue("outbox_batches", report.batches())
                .addKeyValue("relay_woken", woken)
                .log("relay published {} failed {} pending {}; outbox lag {} s", report.published(), report.failed(),
                        report.pending(), report.oldestPendingAgeSeconds());
        // then the async projections, in the time left (docs/read-side.md, "Projections")
        for (ProjectorReport p : r.inlet().project(deadline)) {
            LOG.atInfo().addKeyValue("projection", p.name()).addKeyValue("applied", p.applied())
                    .addKeyValue("status", p.status()).addKeyValue("detail", p.detail()).log("projection run");
        }
        // then the catch-up subscriptions, in the time left (docs/read-side.md)
        // (a failure there is logged, not thrown: the outbox rows this run published stay published)
        try {
            SubscriptionReport subscriptions = r.inlet().subscriptions(r.publisher(), deadline);
            LOG.atInfo().addKeyValue("subscriptions_delivered", subscriptions.delivered())
                    .addKeyValue("subscription_slices", subscriptions.slices())
                    .addKeyValue("subscriptions_failing", subscriptions.failing())
                    .log("subscriptions delivered {} in {} slice(s), {} failing", subscriptions.delivered(), subscriptions.slices(),
                            subscriptions.failing());
        } catch (RuntimeException e) {
            LOG.atError().setCause(e).log("subscriptions failed: {}", e.getMessage());
        }
        return report;
    }
}
