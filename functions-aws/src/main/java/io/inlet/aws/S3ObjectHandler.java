package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.inlet.aws.decode.S3EventDecoder;
import io.inlet.failure.RetryableException;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * S3 invoking the function directly (asynchronous invocation). Each notice is decoded and handed to
 * the core's {@code DeliveryHandler}; the result lists one line per notice ({@code OUTCOME
 * bucket/key#version}). A permanent failure (no feed for the key, a payload not understood) is
 * recorded with its reason, as on every path, and reported {@code GAVE_UP ...}: retrying cannot
 * help. Work left undone (deadline reached, another worker holds the file) or a transient failure
 * throws, so Lambda's asynchronous retries bring the notification back and the ingestion resumes
 * from its checkpoint.
 */
public final class S3ObjectHandler implements RequestHandler<S3Event, List<String>> {

    private final Supplier<FunctionEnvironment> environment;

    /** Used by the Lambda runtime: the shared environment, built on first invocation or at checkpoint. */
    public S3ObjectHandler() {
        SnapStartPriming.register();
        this.environment = FunctionEnvironment::shared;
    }

    public S3ObjectHandler(FunctionEnvironment environment) {
        this.environment = () -> environment;
    }

    @Override
    public List<String> handleRequest(S3Event event, Context context) {
        FunctionEnvironment env = environment.get();
        env.beginInvocation();
        try (InvocationContext invocation = InvocationContext.open(context, env)) {
            List<String> results = new ArrayList<>();
            List<String> unfinished = new ArrayList<>();
            for (Delivery delivery : S3EventDecoder.decode(event, invocation.trace())) {
                Verdict verdict = env.deliveries().handle(delivery, invocation.deadline());
                results.add(LambdaAnswers.line(verdict));
                if (!verdict.acknowledges()) unfinished.add(verdict.detail());
            }
            if (!unfinished.isEmpty()) {
                throw new RetryableException("unfinished, invocation to be retried: " + String.join("; ", unfinished));
            }
            return results;
        }
    }
}
