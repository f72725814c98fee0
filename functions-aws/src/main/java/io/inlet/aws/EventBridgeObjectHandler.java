package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.inlet.aws.decode.EventBridgeDecoder;
import io.inlet.failure.RetryableException;
import io.inlet.trigger.Verdict;
import java.util.function.Supplier;

/**
 * S3 "Object Created" / "Object Deleted" events routed by an EventBridge rule straight to Lambda
 * (the runtime deserialises them as a {@link ScheduledEvent}; keys are not URL-encoded there).
 * Same answers as {@link S3ObjectHandler}: a permanent failure is recorded and reported in the
 * result; unfinished work and transient failures throw so EventBridge's retry policy redelivers.
 */
public final class EventBridgeObjectHandler implements RequestHandler<ScheduledEvent, String> {

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
        env.beginInvocation();
        try (InvocationContext invocation = InvocationContext.open(context, env)) {
            Verdict verdict = env.deliveries().handle(EventBridgeDecoder.decode(event, invocation.trace()),
                    invocation.deadline());
            if (!verdict.acknowledges()) {
                throw new RetryableException("unfinished, invocation to be retried: " + verdict.detail());
            }
            return LambdaAnswers.line(verdict);
        }
    }
}
