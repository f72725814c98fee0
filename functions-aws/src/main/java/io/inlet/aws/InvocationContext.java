package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import io.inlet.event.TraceContext;
import io.inlet.failure.Deadline;
import java.time.Duration;
import org.slf4j.MDC;

/** Per-invocation facts handlers take from the Lambda {@link Context}. */
final class InvocationContext implements AutoCloseable {

    private final Context context;
    private final Duration safetyMargin;

    private InvocationContext(Context context, Duration safetyMargin) {
        this.context = context;
        this.safetyMargin = safetyMargin;
    }

    /** Puts the AWS request id into the logging context until {@link #close()}. */
    static InvocationContext open(Context context, Duration safetyMargin) {
        if (context != null && context.getAwsRequestId() != null) MDC.put("awsRequestId", context.getAwsRequestId());
        return new InvocationContext(context, safetyMargin);
    }

    /** When this invocation must have stopped work: remaining time less the safety margin. */
    Deadline deadline() {
        if (context == null) return Deadline.none();
        return Deadline.after(Duration.ofMillis(context.getRemainingTimeInMillis()), safetyMargin);
    }

    /**
     * The trace of a direct invocation: the X-Ray trace header the Lambda runtime gives it, as a W3C
     * trace context; null when there is none. (A queued notification carries its own.)
     */
    TraceContext trace() {
        String header = System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID"));
        return header == null ? null : TraceContext.fromXRay(header).orElse(null);
    }

    /** True while more than the safety margin remains. */
    boolean hasTimeLeft() {
        return context == null || context.getRemainingTimeInMillis() > safetyMargin.toMillis();
    }

    @Override
    public void close() {
        MDC.clear();
    }
}
