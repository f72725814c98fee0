package io.inlet.infra.aws;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The alarms that tell an operator ingestion is in trouble, all sent to one SNS topic: a message in a
 * dead-letter queue, a backlog growing old, a function failing or throttled, the relay silent, the
 * outbox lag the relay reports (EMF metric {@code Inlet/OutboxLagSeconds}), a blocked outbox row
 * ({@code Inlet/OutboxBlocked}) and objects the sweep found missing ({@code Inlet/SweepMissingObjects}).
 * The EMF metrics carry the dimension {@code Service} = this stack's name (the functions' exporter
 * writes it from {@code POWERTOOLS_SERVICE_NAME}, {@link InletObservability}): another stack's
 * metrics in the same account are different metrics and never trip these alarms. AlarmMetricsTest
 * proves each one is a metric real invocations print (docs/metrics/aws-emf-metrics.txt).
 */
public final class InletAlarms extends Construct {

    public static final String METRIC_NAMESPACE = "Inlet";
    public static final String OUTBOX_LAG_METRIC = "OutboxLagSeconds";
    public static final String OUTBOX_BLOCKED_METRIC = "OutboxBlocked";
    public static final String SWEEP_MISSING_METRIC = "SweepMissingObjects";
    /** The dimension every EMF metric of the functions carries: the stack name. */
    public static final String SERVICE_DIMENSION = "Service";
    private static final Duration PERIOD = Duration.minutes(5);

    private final Topic topic;

    public InletAlarms(Construct scope, String id, String alarmEmail) {
        super(scope, id);
        this.topic = Topic.Builder.create(this, "Topic").displayName("Inlet alarms").enforceSsl(true).build();
        if (alarmEmail != null) {
            topic.addSubscription(new EmailSubscription(alarmEmail));
        }
    }

    public Topic topic() {
        return topic;
    }

    /** Any message in a dead-letter queue needs a person: it failed {@code maxReceiveCount} times. */
    public Alarm deadLetterQueue(String name, IQueue dlq) {
        return alarm(name + "DeadLetters", dlq.metricApproximateNumberOfMessagesVisible(maximum()), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, TreatMissingData.NOT_BREACHING,
                "Messages in the " + name + " dead-letter queue: inspect, fix, then redrive (docs/deploy.md)");
    }

    /** The oldest message waiting longer than the threshold: consumers stopped or cannot keep up. */
    public Alarm backlogAge(String name, IQueue queue, int thresholdSeconds) {
        return alarm(name + "OldestMessage", queue.metricApproximateAgeOfOldestMessage(maximum()), thresholdSeconds,
                ComparisonOperator.GREATER_THAN_THRESHOLD, 2, TreatMissingData.NOT_BREACHING,
                "The oldest message in " + name + " is older than " + thresholdSeconds + " s");
    }

    public void function(String name, InletFunction fn) {
        alarm(name + "Errors", fn.function().metricErrors(sum()), 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING, "The " + name + " function failed");
        alarm(name + "Throttles", fn.function().metricThrottles(sum()), 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING, "The " + name + " function was throttled (concurrency cap or account limit)");
    }

    /** The relay runs on a schedule: no invocation at all for three periods means the schedule is broken. */
    public Alarm relaySilent(InletFunction relay) {
        return alarm("RelayNotRunning", relay.function().metricInvocations(sum()), 1, ComparisonOperator.LESS_THAN_THRESHOLD, 3,
                TreatMissingData.BREACHING, "The outbox relay has not run for 15 minutes");
    }

    public Alarm outboxLag(int thresholdSeconds) {
        Metric lag = Metric.Builder.create()
                .namespace(METRIC_NAMESPACE)
                .metricName(OUTBOX_LAG_METRIC)
                .dimensionsMap(service())
                .statistic("Maximum")
                .period(PERIOD)
                .build();
        return alarm("OutboxLag", lag, thresholdSeconds, ComparisonOperator.GREATER_THAN_THRESHOLD, 2, TreatMissingData.NOT_BREACHING,
                "Derived events wait in the outbox longer than " + thresholdSeconds + " s");
    }

    /**
     * An outbox row failed {@code maxAttempts} times and is blocked: its stream waits for a person
     * ({@code inlet outbox blocked}, then {@code retry} or {@code unblock}; docs/aws.md).
     */
    public Alarm outboxBlocked(int maxAttempts) {
        Metric blocked = Metric.Builder.create()
                .namespace(METRIC_NAMESPACE)
                .metricName(OUTBOX_BLOCKED_METRIC)
                .dimensionsMap(service())
                .statistic("Maximum")
                .period(PERIOD)
                .build();
        return alarm("OutboxBlocked", blocked, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING, "An outbox row failed " + maxAttempts + " publish attempts and is blocked; "
                        + "its stream waits: run `inlet outbox blocked`, then `inlet outbox retry` or `unblock` (docs/aws.md)");
    }

    /**
     * The daily sweep found bucket objects the ledger does not account for (a lost notification, a
     * stuck or overwritten file): run {@code inlet sweep s3://bucket/prefix}, then {@code --redrive}.
     */
    public Alarm sweepMissing() {
        Metric missing = Metric.Builder.create()
                .namespace(METRIC_NAMESPACE)
                .metricName(SWEEP_MISSING_METRIC)
                .dimensionsMap(service())
                .statistic("Maximum")
                .period(software.amazon.awscdk.Duration.days(1))
                .build();
        return alarm("SweepMissingObjects", missing, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING, "The daily sweep found bucket objects never ingested: run "
                        + "`inlet sweep s3://BUCKET/PREFIX`, then `--redrive` (docs/operations.md, \"missed notification\")");
    }

    private Alarm alarm(String id, Metric metric, double threshold, ComparisonOperator operator, int periods,
                        TreatMissingData missing, String description) {
        Alarm alarm = metric.createAlarm(this, id, CreateAlarmOptions.builder()
                .threshold(threshold)
                .comparisonOperator(operator)
                .evaluationPeriods(periods)
                .treatMissingData(missing)
                .alarmDescription(description)
                .build());
        alarm.addAlarmAction(new SnsAction(topic));
        return alarm;
    }

    private java.util.Map<String, String> service() {
        return java.util.Map.of(SERVICE_DIMENSION, software.amazon.awscdk.Stack.of(this).getStackName());
    }

    private static MetricOptions maximum() {
        return MetricOptions.builder().statistic("Maximum").period(PERIOD).build();
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().statistic("Sum").period(PERIOD).build();
    }
}
