package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.inlet.arrival.ArrivalReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduled arrival check (an EventBridge schedule, every 15 minutes by default; the input is
 * ignored): judges every expecting feed's due slots and every open file set's timeout
 * ({@link io.inlet.Inlet#checkArrivals}), whose FileMissing, FileLate, FileShort and
 * FileSetIncomplete events go out through the outbox, each once, and counts them in the core's
 * meters ({@code inlet.arrival.*}, exported as EMF: the {@code ArrivalAlerts} alarm).
 */
public final class ArrivalCheckHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final Supplier<FunctionEnvironment> environment;

    public ArrivalCheckHandler() {
        this.environment = FunctionEnvironment::shared;
    }

    /** Over a given environment (tests). */
    public ArrivalCheckHandler(FunctionEnvironment environment) {
        this.environment = () -> environment;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        try (InvocationContext ignored = InvocationContext.open(context, environment.get())) {
            return check(System.out);
        }
    }

    /** One check; the EMF lines of what the meters counted go to {@code stdout}. */
    public Map<String, Object> check(java.io.PrintStream stdout) {
        FunctionEnvironment env = environment.get();
        env.beginInvocation();
        ArrivalReport report = env.inlet().checkArrivals();
        env.metrics().flush(stdout);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkedAt", report.checkedAt().toString());
        out.put("alerts", report.alerts().size());
        out.put("incompleteSets", report.incompleteSets().size());
        return out;
    }
}
