package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.inlet.Inlet;
import io.inlet.outbox.RelayReport;
import io.inlet.outbox.RelayWakeSettings;
import io.inlet.projection.ProjectorReport;
import io.inlet.read.SubscriptionReport;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes due outbox rows to SQS until the outbox is drained or the deadline (remaining time less
 * the safety margin) passes. Invoked on a schedule (the input, an EventBridge scheduled event, is
 * ignored), or woken right after an ingestion committed outbox rows: then the input is a batch of the
 * wake queue's SQS records (their bodies are not read), and the relay lingers for the commits those
 * wakes coalesced ({@link Inlet#relayWoken}, docs/aws.md "Relay wake-up"). Each run writes its figures (outbox lag, published,
 * failed, pending, blocked) through the core's meters, flushed as CloudWatch Embedded Metric Format at
 * the end of the invocation ({@link io.inlet.aws.metrics.EmfExporter}).
 * Then it runs the async projections forward in the time left ({@code Inlet.project}).
 * After the outbox and the projections, it runs each catch-up subscription's slices in the time left
 * (their destinations are logical names of {@code INLET_DESTINATIONS}, like the feeds').
 */
public final class OutboxRelayHandler implements RequestHandler<Map<String, Object>, RelayReport> {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelayHandler.class);

    private final Supplier<FunctionEnvironment> environment;

    public OutboxRelayHandler() {
        SnapStartPriming.register();
        this.environment = FunctionEnvironment::shared;
    }

    public OutboxRelayHandler(FunctionEnvironment environment) {
        this.environment = () -> environment;
    }

    @Override
    public RelayReport handleRequest(Map<String, Object> input, Context context) {
        FunctionEnvironment env = environment.get();
        env.beginInvocation();
        try (InvocationContext invocation = InvocationContext.open(context, env)) {
            boolean woken = isWake(input);
            RelayReport report = woken
                    ? env.inlet().relayWoken(env.publisher(), invocation.deadline(),
                            env.wakeQueue() == null ? RelayWakeSettings.DEFAULTS : env.wakeQueue().settings(), env.relayWaker())
                    : env.inlet().relay(env.publisher(), invocation.deadline());
            log.atInfo().addKeyValue("published", report.published()).addKeyValue("failed", report.failed())
                    .addKeyValue("batches", report.batches()).addKeyValue("pending", report.pending())
                    .addKeyValue("lagSeconds", report.oldestPendingAgeSeconds()).addKeyValue("blocked", report.blocked())
                    .addKeyValue("woken", woken).log("outbox relayed");
            // then the async projections, in the time left (docs/read-side.md, "Projections")
            for (ProjectorReport p : env.inlet().project(invocation.deadline())) {
                log.atInfo().addKeyValue("projection", p.name()).addKeyValue("applied", p.applied())
                        .addKeyValue("status", p.status()).addKeyValue("detail", p.detail()).log("projection run");
            }
            // then the catch-up subscriptions, in the time left (docs/read-side.md)
            // (a failure there is logged, not thrown: the outbox rows this run published stay published)
            try {
                SubscriptionReport subscriptions = env.inlet().subscriptions(env.publisher(), invocation.deadline());
                log.atInfo().addKeyValue("subscriptionsDelivered", subscriptions.delivered())
                        .addKeyValue("subscriptionSlices", subscriptions.slices())
                        .addKeyValue("subscriptionsFailing", subscriptions.failing()).log("subscriptions run");
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("subscriptions failed: {}", e.getMessage());
            }
            return report;
        }
    }

    /** An SQS event (the wake queue's event source mapping), not a scheduled event. */
    public static boolean isWake(Map<String, Object> input) {
        if (input == null || !(input.get("Records") instanceof List<?> records) || records.isEmpty()) return false;
        return records.get(0) instanceof Map<?, ?> first && "aws:sqs".equals(first.get("eventSource"));
    }
}
