package io.inlet.infra.aws;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The scheduled arrival check ({@code io.inlet.aws.ArrivalCheckHandler}): an EventBridge schedule
 * runs it every 15 minutes; it judges the feeds' expected slots and the file sets' timeouts against
 * the ledger and emits FileMissing, FileLate, FileShort and FileSetIncomplete through the outbox. Its
 * role reads only the ingest login's secret and the feeds file (no bucket: it reads the ledger). The
 * alarm reads {@code ArrivalAlerts} (the EMF name of the core's {@code inlet.arrival.alerts}, with
 * the {@code Service} dimension, the stack name) and fires at 1; the counter is exported only when it
 * grew, so missing data is not breaching.
 */
public final class ArrivalCheckFunction extends Construct {

    public static final String HANDLER = "io.inlet.aws.ArrivalCheckHandler::handleRequest";
    public static final String SCHEDULE = "rate(15 minutes)";
    /** The EMF name functions-aws's EmfExporter prints for {@code inlet.arrival.alerts} (AlarmMetricsTest). */
    public static final String ALERTS_METRIC = "ArrivalAlerts";

    /**
     * What the construct takes from its stack: the code, the functions' environment, the database
     * access, the memory and log retention, how the stack grants the feeds file, builds a schedule
     * failure queue and alarms on a function.
     */
    public record Props(Code code, Map<String, String> environment, DatabaseAccess database, int memoryMb,
                        RetentionDays logRetention, Consumer<InletFunction> grantReadFeedsFile,
                        Function<String, Queue> failureQueue, InletAlarms alarms) {
    }

    private final InletFunction function;
    private final Alarm alerts;

    public ArrivalCheckFunction(Construct scope, String id, Props props) {
        super(scope, id);
        this.function = new InletFunction(this, "Function", new InletFunction.Props(HANDLER,
                "Inlet arrival check: expected files missing, late or short; file sets past their timeout", props.code(),
                300, props.memoryMb(), props.environment(), props.logRetention(), 1, props.database().network()));
        // it logs in as the ingest role (its environment names that login secret): it writes the outbox and its watch rows
        props.database().loginSecret(DatabaseAccess.LoginRole.INGEST).grantRead(function.role());
        props.grantReadFeedsFile().accept(function);
        Rule.Builder.create(this, "Schedule")
                .description("Runs the Inlet arrival check every 15 minutes")
                .schedule(Schedule.expression(SCHEDULE))
                .targets(List.of(new LambdaFunction(function.alias(), LambdaFunctionProps.builder()
                        .deadLetterQueue(props.failureQueue().apply("ArrivalCheckScheduleFailures"))
                        .retryAttempts(2)
                        .build())))
                .build();
        props.alarms().function("ArrivalCheck", function);
        Metric metric = Metric.Builder.create()
                .namespace(InletAlarms.METRIC_NAMESPACE)
                .metricName(ALERTS_METRIC)
                .dimensionsMap(Map.of(InletAlarms.SERVICE_DIMENSION, Stack.of(this).getStackName()))
                .statistic("Sum")
                .period(Duration.minutes(15))
                .build();
        this.alerts = metric.createAlarm(this, "ArrivalAlerts", CreateAlarmOptions.builder()
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("An expected vendor file is missing, late or short, or a file set is incomplete past its "
                        + "timeout: see the FileMissing/FileLate/FileShort/FileSetIncomplete events and `inlet status` "
                        + "(docs/operations.md, \"expected arrivals\")")
                .build());
        alerts.addAlarmAction(new SnsAction(props.alarms().topic()));
    }

    public InletFunction function() {
        return function;
    }

    public Alarm alerts() {
        return alerts;
    }
}
