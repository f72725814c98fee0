package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.inlet.arrival.ArrivalReport;
import io.inlet.aws.metrics.ArrivalMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduled arrival check (an EventBridge schedule, every 15 minutes by default; the input is
 * ignored): judges every expecting feed's due slots and every open file set's timeout
 * ({@link io.inlet.Inlet#checkArrivals}), whose FileMissing, FileLate, FileShort and
 * FileSetIncomplete events go out through the outbox, each once, and writes {@link ArrivalMetrics}
 * (the {@code ArrivalAlerts} alarm).
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
        return check(System.out);
    }

    /** One check; the EMF line goes to {@code stdout}. */
    public Map<String, Object> check(java.io.PrintStream stdout) {
        ArrivalReport report = environment.get().inlet().checkArrivals();
        ArrivalMetrics.emit(report, stdout);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkedAt", report.checkedAt().toString());
        out.put("alerts", report.alerts().size());
        out.put("incompleteSets", report.incompleteSets().size());
        return out;
    }
}
