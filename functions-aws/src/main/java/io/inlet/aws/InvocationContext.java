package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import io.inlet.event.TraceContext;
import io.inlet.failure.Deadline;
import io.inlet.trigger.TraceLogContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.MDC;

/** Per-invocation facts handlers take from the Lambda {@link Context}. */
final class InvocationContext implements AutoCloseable {

    /** True until the first invocation of this execution environment (or of one restored from a SnapStart snapshot). */
    private static final AtomicBoolean COLD = new AtomicBoolean(true);

    private final Context context;
    private final Duration safetyMargin;
    private final FunctionEnvironment environment;

    private InvocationContext(Context context, Duration safetyMargin, FunctionEnvironment environment) {
        this.context = context;
        this.safetyMargin = safetyMargin;
        this.environment = environment;
    }

    /**
     * As {@link #open(Context, Duration)}, and the invocation's metrics: a cold start counts
     * {@code inlet.cold.start} (EMF {@code ColdStart}); closing flushes the environment's meters as
     * EMF lines to stdout.
     */
    static InvocationContext open(Context context, FunctionEnvironment environment) {
        boolean cold = COLD.get();
        InvocationContext invocation = open(context, environment.settings().safetyMargin(), environment);
        if (cold) environment.meters().coldStart(context == null ? System.getenv("AWS_LAMBDA_FUNCTION_NAME") : context.getFunctionName());
        return invocation;
    }

    /**
     * Puts the invocation's facts into the logging context until {@link #close()}, under the names
     * Powertools for AWS Lambda logs them: {@code function_request_id}, {@code function_name},
     * {@code function_version}, {@code function_arn}, {@code function_memory_size}, {@code cold_start},
     * {@code xray_trace_id}, and the X-Ray trace as the correlation id until a delivery brings its own.
     */
    static InvocationContext open(Context context, Duration safetyMargin) {
        return open(context, safetyMargin, null);
    }

    private static InvocationContext open(Context context, Duration safetyMargin, FunctionEnvironment environment) {
        MDC.put("cold_start", Boolean.toString(COLD.getAndSet(false)));
        if (context != null) {
            putIfPresent("function_request_id", context.getAwsRequestId());
            putIfPresent("function_name", context.getFunctionName());
            putIfPresent("function_version", context.getFunctionVersion());
            putIfPresent("function_arn", context.getInvokedFunctionArn());
            if (context.getMemoryLimitInMB() > 0) MDC.put("function_memory_size", Integer.toString(context.getMemoryLimitInMB()));
        }
        InvocationContext invocation = new InvocationContext(context, safetyMargin, environment);
        String header = traceHeader();
        if (header != null) {
            int root = header.indexOf("Root=");
            if (root >= 0) {
                int end = header.indexOf(';', root);
                MDC.put("xray_trace_id", header.substring(root + 5, end < 0 ? header.length() : end));
            }
            TraceLogContext.values(invocation.trace()).forEach(MDC::put);
        }
        return invocation;
    }

    /** What a new execution environment starts as: its next invocation is a cold start (for tests of that invocation). */
    static void newExecutionEnvironment() {
        COLD.set(true);
    }

    private static void putIfPresent(String key, String value) {
        if (value != null) MDC.put(key, value);
    }

    private static String traceHeader() {
        return System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID"));
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
        String header = traceHeader();
        return header == null ? null : TraceContext.fromXRay(header).orElse(null);
    }

    /** True while more than the safety margin remains. */
    boolean hasTimeLeft() {
        return context == null || context.getRemainingTimeInMillis() > safetyMargin.toMillis();
    }

    @Override
    public void close() {
        try {
            // before the handler returns: Lambda freezes the sandbox after it, a wake in flight or spans left in memory would wait
            if (environment != null) environment.awaitWakes();
            if (environment != null) environment.tracing().flush();
            if (environment != null) environment.metrics().flush(System.out);
        } finally {
            MDC.clear();
        }
    }
}
