package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.inlet.aws.metrics.RelayMetrics;
import io.inlet.outbox.RelayReport;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes due outbox rows to SQS until the outbox is drained or the deadline (remaining time less
 * the safety margin) passes. Invoked on a schedule (the input, an EventBridge scheduled event, is
 * ignored) or directly right after an ingestion. Each run writes its figures (outbox lag, published,
 * failed, pending, blocked) as a CloudWatch Embedded Metric Format line to stdout ({@link RelayMetrics}).
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
        try (InvocationContext invocation = InvocationContext.open(context, env.settings().safetyMargin())) {
            RelayReport report = env.inlet().relay(env.publisher(), invocation.deadline());
            log.atInfo().addKeyValue("published", report.published()).addKeyValue("failed", report.failed())
                    .addKeyValue("batches", report.batches()).addKeyValue("pending", report.pending())
                    .addKeyValue("lagSeconds", report.oldestPendingAgeSeconds()).addKeyValue("blocked", report.blocked())
                    .log("outbox relayed");
            RelayMetrics.emit(report, System.out);
            return report;
        }
    }
}
