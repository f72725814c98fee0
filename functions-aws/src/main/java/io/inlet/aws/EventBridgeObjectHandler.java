package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.inlet.aws.decode.DecodedPayload;
import io.inlet.aws.decode.DecodedPayload.ObjectNotices;
import io.inlet.aws.decode.DecodedPayload.Undecodable;
import io.inlet.aws.decode.EventBridgeDecoder;
import io.inlet.aws.decode.ObjectNotice;
import io.inlet.failure.PermanentException;
import io.inlet.failure.RetryableException;
import io.inlet.ingest.FileReport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 "Object Created" / "Object Deleted" events routed by an EventBridge rule straight to Lambda
 * (the runtime deserialises them as a {@link ScheduledEvent}; keys are not URL-encoded there).
 * Same failure semantics as {@link S3ObjectHandler}: permanent failures are reported in the
 * result, unfinished work and retryable failures throw so EventBridge's retry policy redelivers.
 */
public final class EventBridgeObjectHandler implements RequestHandler<ScheduledEvent, String> {

    private static final Logger log = LoggerFactory.getLogger(EventBridgeObjectHandler.class);

    private final Supplier<FunctionEnvironment> environment;

    public EventBridgeObjectHandler() {
        SnapStartPriming.register();
        this.environment = FunctionEnvironment::shared;
    }

    public EventBridgeObjectHandler(FunctionEnvironment environment) {
        this.environment = () -> environment;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        FunctionEnvironment env = environment.get();
        try (InvocationContext invocation = InvocationContext.open(context, env.settings().safetyMargin())) {
            DecodedPayload decoded = EventBridgeDecoder.decode(event);
            if (decoded instanceof Undecodable u) {
                log.atError().addKeyValue("reason", u.reason()).addKeyValue("eventId", event == null ? null : event.getId())
                        .log("EventBridge event not understood; nothing ingested");
                return "UNDECODABLE " + u.reason();
            }
            ObjectNotice notice = ((ObjectNotices) decoded).notices().get(0);
            FileReport report;
            try {
                report = new ObjectNoticeIngestion(env.inlet(), env.objectSource()).apply(notice, invocation.deadline());
            } catch (PermanentException e) {
                log.atError().setCause(e).log("object failed permanently: {}", e.getMessage());
                return "FAILED " + notice.ref().displayName() + ": " + e.getMessage();
            }
            if (ObjectNoticeIngestion.needsAnotherAttempt(report.outcome())) {
                throw new RetryableException("unfinished, invocation to be retried: "
                        + ObjectNoticeIngestion.describe(report, notice));
            }
            return ObjectNoticeIngestion.describe(report, notice);
        }
    }
}
