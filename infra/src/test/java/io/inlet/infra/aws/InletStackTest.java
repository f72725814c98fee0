package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** What the synthesised template says, for the settings in {@link Synth#settings()}. */
class InletStackTest {

    private static final Template DEFAULT = Synth.cached(Synth.settings().build());

    @Test
    void vendorBucketIsVersionedEncryptedPrivateAndAgesProcessedObjects() {
        DEFAULT.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketName", "inlet-vendors-test",
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "Id", "processed-objects",
                        "Transitions", List.of(Map.of("StorageClass", "STANDARD_IA", "TransitionInDays", 30)),
                        "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30)))))));
    }

    @Test
    void vendorPrefixesNotifyTheIngestQueue() {
        DEFAULT.hasResourceProperties("Custom::S3BucketNotifications", Map.of("NotificationConfiguration", Map.of(
                "QueueConfigurations", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Events", List.of("s3:ObjectCreated:*"),
                        "Filter", Map.of("Key", Map.of("FilterRules", List.of(Map.of("Name", "prefix", "Value", "acme/orders/")))))))))));
    }

    @Test
    void ingestQueueVisibilityIsSixTimesTheFunctionTimeoutPlusTheWindowAndRedrivesAfterFiveReceives() {
        DEFAULT.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
                "VisibilityTimeout", 6 * 300 + 10,
                "RedrivePolicy", Map.of("deadLetterTargetArn", Match.anyValue(), "maxReceiveCount", 5))));
    }

    @Test
    void eventSourceMappingReportsPartialFailuresWithBoundedBatchAndConcurrency() {
        DEFAULT.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "BatchSize", 25,
                "MaximumBatchingWindowInSeconds", 10,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 20))));
    }

    @Test
    void fifoDestinationHasAFifoDeadLetterQueueAndPublisherSuppliedDeduplication() {
        DEFAULT.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
                "FifoQueue", true,
                "ContentBasedDeduplication", false,
                "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", 5)))));
        // the FIFO destination and the relay's wake queue, each with its FIFO dead-letter queue
        assertThat(DEFAULT.findResources("AWS::SQS::Queue", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("FifoQueue", true)))))).hasSize(4);
    }

    @Test
    void everyJavaFunctionUsesSnapStartAndIsTriggeredThroughItsLiveAlias() {
        DEFAULT.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java25", "SnapStart", Map.of("ApplyOn", "PublishedVersions"))), 4); // + the arrival check
        // every InletFunction has its live alias, the migration's too (which has no SnapStart: MigrationTriggerTest)
        DEFAULT.resourcePropertiesCountIs("AWS::Lambda::Alias", Match.objectLike(Map.of("Name", "live")), 5);
        DEFAULT.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
    }

    /** Issue 14.6: Lambda's newest Java runtime on Graviton by default, x86_64 by setting, the same for every function. */
    @Test
    void everyJavaFunctionRunsJava25OnArm64ByDefaultAndOnX8664WhenSet() {
        // object, relay, sweep, arrival check and migration
        DEFAULT.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java25", "Architectures", List.of("arm64"))), 5);
        DEFAULT.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of("Runtime", "java17")), 0);

        Template x86 = Synth.template(Synth.settings().architecture(FunctionArchitecture.X86_64).build());
        x86.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java25", "Architectures", List.of("x86_64"), "SnapStart", Map.of("ApplyOn", "PublishedVersions"))), 4);
        x86.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java25", "Architectures", List.of("x86_64"))), 5);
        x86.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of("Architectures", List.of("arm64"))), 0);
    }

    @Test
    void everyJavaFunctionRunsTheJvmWithC1OnlyForAShortColdStart() {
        DEFAULT.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java25", "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"))))), 4);
    }

    @Test
    void relayRunsEveryMinuteWithTwoReservedInstancesAndADeadLetterQueue() {
        DEFAULT.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(1 minute)",
                "Targets", List.of(Match.objectLike(Map.of(
                        "DeadLetterConfig", Match.objectLike(Map.of()),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 2, "MaximumEventAgeInSeconds", 300)))))));
        DEFAULT.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", InletStack.RELAY_HANDLER, "ReservedConcurrentExecutions", 2, "Timeout", 60)));
    }

    @Test
    void relayIsWokenThroughAFifoWakeQueueItsMappingBoundedAndEveryIngestingFunctionToldItsUrl() {
        // FIFO, publisher-supplied deduplication (the wake window), a dead-letter queue, visibility 6 x the relay's timeout
        DEFAULT.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
                "FifoQueue", true, "ContentBasedDeduplication", false, "VisibilityTimeout", 6 * 60 + 10,
                "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", 5)))));
        DEFAULT.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "BatchSize", 10,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 2))));
        DEFAULT.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", InletStack.RELAY_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("INLET_RELAY_WAKE_QUEUE_URL", Match.anyValue()))))));
        DEFAULT.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", InletStack.SQS_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("INLET_RELAY_WAKE_QUEUE_URL", Match.anyValue()))))));
    }

    @Test
    void onlyTheRelayAndTheIngestingFunctionsMaySendWakesAndOnlyToTheWakeQueue() {
        Map<String, Map<String, Object>> policies = DEFAULT.findResources("AWS::IAM::Policy");
        String wakeQueue = DEFAULT.findResources("AWS::SQS::Queue").keySet().stream()
                .filter(id -> id.startsWith("RelayWakeQueue")).findFirst().orElseThrow();
        List<String> senders = new java.util.ArrayList<>();
        policies.forEach((id, policy) -> {
            String text = policy.toString();
            if (text.contains("sqs:SendMessage") && text.contains(wakeQueue)) senders.add(id);
        });
        assertThat(senders).hasSize(2).allMatch(id -> id.startsWith("Relay") || id.startsWith("QueueIngest"));
    }

    @Test
    void functionsAreConfiguredThroughTheDocumentedEnvironment() {
        DEFAULT.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", InletStack.SQS_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "INLET_FEEDS", "s3://inlet-config/feeds.yaml",
                        "INLET_DATABASE_URL", "jdbc:postgresql://db.internal:5432/inlet?sslmode=verify-full",
                        "INLET_DATABASE_SECRET_ARN", Map.of("Ref", Match.stringLikeRegexp("DatabaseIngestLogin.*")),
                        "INLET_CHANNEL", "test",
                        "INLET_SAFETY_MARGIN_MS", "10000",
                        "INLET_CLAIM_CHECK_BUCKET", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("ClaimChecks.*"))),
                        "INLET_DESTINATIONS", Map.of("Fn::Join", List.of("", List.of(
                                "order-events=", Map.of("Ref", Match.stringLikeRegexp("Destinationorderevents.*")),
                                ",stock-events=", Map.of("Ref", Match.stringLikeRegexp("Destinationstockevents.*")))))))))));
    }

    @Test
    void ingestRoleReadsOnlyTheFeedPrefixesAndItsRolesSecret() {
        DEFAULT.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Version", "2012-10-17",
                "Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of(
                                "Sid", "ReadFeedPrefixesVendors",
                                "Action", List.of("s3:GetObject", "s3:GetObjectVersion"),
                                "Resource", List.of(
                                        Map.of("Fn::Join", List.of("", List.of(Match.anyValue(), "/acme/orders/*"))),
                                        Map.of("Fn::Join", List.of("", List.of(Match.anyValue(), "/globex/stock/*")))))),
                        // a file set's marker lists its prefix (S3ObjectLister asks whether the bucket keeps versions)
                        Match.objectLike(Map.of("Sid", "ReadVersioningVendors", "Action", "s3:GetBucketVersioning")),
                        Match.objectLike(Map.of(
                                "Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                                "Resource", Map.of("Ref", Match.stringLikeRegexp("DatabaseIngestLogin.*"))))))))));
    }

    @Test
    void alarmsWatchDeadLettersBacklogFunctionsAndOutboxLag() {
        DEFAULT.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "Namespace", "Inlet", "MetricName", "OutboxLagSeconds", "Statistic", "Maximum", "Threshold", 300)));
        DEFAULT.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "MetricName", "ApproximateAgeOfOldestMessage", "Threshold", 900)));
        // 2 destination DLQs + ingest DLQ + relay wake DLQ + relay, sweep and arrival check schedule failures.
        DEFAULT.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible")), 7);
        DEFAULT.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Match.objectLike(Map.of("MetricName", "Errors")), 4);
        DEFAULT.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Match.objectLike(Map.of("MetricName", "Throttles")), 4);
        DEFAULT.hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "oncall@example.com", "TopicArn", Match.anyValue()));
    }

    @Test
    void theSweepRunsDailyMayOnlyListAndReadTheFeedPrefixesAndAlarmsOnAMissingObject() {
        DEFAULT.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", InletStack.SWEEP_SCHEDULE,
                "Targets", List.of(Match.objectLike(Map.of("DeadLetterConfig", Match.objectLike(Map.of())))))));
        DEFAULT.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", InletStack.SWEEP_HANDLER, "Timeout", 900, "ReservedConcurrentExecutions", 1)));
        DEFAULT.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Version", "2012-10-17",
                "Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of(
                                "Sid", "SweepListFeedPrefixesVendors", "Action", "s3:ListBucket",
                                "Condition", Map.of("StringLike", Map.of("s3:prefix", List.of("acme/orders/*", "globex/stock/*"))))),
                        Match.objectLike(Map.of("Sid", "SweepReadVersioningVendors", "Action", "s3:GetBucketVersioning")),
                        Match.objectLike(Map.of(
                                "Sid", "SweepHeadFeedObjectsVendors",
                                "Action", List.of("s3:GetObject", "s3:GetObjectVersion"),
                                "Resource", List.of(
                                        Map.of("Fn::Join", List.of("", List.of(Match.anyValue(), "/acme/orders/*"))),
                                        Map.of("Fn::Join", List.of("", List.of(Match.anyValue(), "/globex/stock/*")))))),
                        Match.objectLike(Map.of("Sid", "SweepListFeedPrefixesPartner")),
                        Match.objectLike(Map.of("Sid", "SweepReadVersioningPartner")),
                        Match.objectLike(Map.of("Sid", "SweepHeadFeedObjectsPartner")),
                        Match.objectLike(Map.of(
                                "Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"))),
                        Match.objectLike(Map.of("Sid", "ReadFeedsFile"))))))));
        // and no other S3 action: the sweep reads, it never writes or deletes
        List<String> s3Actions = new java.util.ArrayList<>();
        DEFAULT.findResources("AWS::IAM::Policy").values().stream()
                .filter(policy -> policy.toString().contains("SweepListFeedPrefixes"))
                .forEach(policy -> java.util.regex.Pattern.compile("s3:[A-Za-z]+").matcher(policy.toString()).results()
                        .forEach(m -> s3Actions.add(m.group())));
        assertThat(s3Actions).isNotEmpty().allMatch(a -> List.of("s3:ListBucket", "s3:GetBucketVersioning", "s3:GetObject",
                "s3:GetObjectVersion", "s3:prefix").contains(a));
        DEFAULT.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "Namespace", "Inlet", "MetricName", "SweepMissingObjects", "Statistic", "Maximum", "Threshold", 1,
                "Period", 86400, "ComparisonOperator", "GreaterThanOrEqualToThreshold", "AlarmActions", Match.anyValue())));
    }

    @Test
    void theArrivalCheckRunsEveryQuarterHourReadsNoBucketAndAlarmsOnAnyAlert() {
        DEFAULT.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", ArrivalCheckFunction.SCHEDULE,
                "Targets", List.of(Match.objectLike(Map.of("DeadLetterConfig", Match.objectLike(Map.of())))))));
        DEFAULT.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", ArrivalCheckFunction.HANDLER, "ReservedConcurrentExecutions", 1)));
        DEFAULT.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "Namespace", "Inlet", "MetricName", ArrivalCheckFunction.ALERTS_METRIC, "Statistic", "Sum", "Threshold", 1,
                "Period", 900, "ComparisonOperator", "GreaterThanOrEqualToThreshold", "AlarmActions", Match.anyValue())));
        // its role: the database secret, the feeds file and its log group; no vendor bucket
        List<String> policies = DEFAULT.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("ArrivalCheck")).map(e -> e.getValue().toString()).toList();
        assertThat(policies).isNotEmpty().noneMatch(p -> p.contains("s3:ListBucket") || p.contains("s3:PutObject")
                || p.contains("s3:DeleteObject"));
    }

    @Test
    void aBlockedOutboxRowRaisesAnAlarmAndTheRelayGetsTheAttemptLimit() {
        // the relay exports Inlet/OutboxBlocked (dimension Service, AlarmMetricsTest); one blocked row is enough
        DEFAULT.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "Namespace", "Inlet", "MetricName", "OutboxBlocked", "Statistic", "Maximum", "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold", "EvaluationPeriods", 1,
                "AlarmActions", Match.anyValue())));
        DEFAULT.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "io.inlet.aws.OutboxRelayHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("INLET_RELAY_MAX_ATTEMPTS", "20")))))); 
    }

    @Test
    void directLambdaDeliveryCapsConcurrencyAndSendsFailuresToAQueue() {
        Template template = Synth.cached(Synth.settings().objectDelivery(ObjectDelivery.LAMBDA).build());

        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", InletStack.S3_HANDLER, "ReservedConcurrentExecutions", 20)));
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Match.objectLike(Map.of(
                "MaximumRetryAttempts", 2,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.objectLike(Map.of()))))));
        // no ingest mapping; the one mapping is the relay's wake queue
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
    }

    @Test
    void eventBridgeDeliveryMatchesObjectCreatedUnderTheFeedPrefixes() {
        Template template = Synth.cached(Synth.settings().objectDelivery(ObjectDelivery.EVENTBRIDGE).build());

        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of("EventPattern", Match.objectLike(Map.of(
                "source", List.of("aws.s3"),
                "detail-type", List.of("Object Created", "Object Deleted"),
                "detail", Match.objectLike(Map.of("object", Map.of("key",
                        List.of(Map.of("prefix", "acme/orders/"), Map.of("prefix", "globex/stock/"))))))))));
        template.hasResourceProperties("Custom::S3BucketNotifications", Map.of(
                "NotificationConfiguration", Map.of("EventBridgeConfiguration", Map.of())));
    }

    @Test
    void newDatabaseSitsBehindATlsOnlyProxyInAVpcWithoutNat() {
        Template template = Synth.cached(Synth.settings().database(new DatabaseSpec.Created("t4g.medium", 50, true)).build());

        template.hasResourceProperties("AWS::RDS::DBInstance", Match.objectLike(Map.of(
                "Engine", "postgres", "StorageEncrypted", true, "MultiAZ", true, "DeletionProtection", true)));
        template.hasResourceProperties("AWS::RDS::DBProxy", Match.objectLike(Map.of("RequireTLS", true, "EngineFamily", "POSTGRESQL")));
        template.resourceCountIs("AWS::EC2::NatGateway", 0);
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "VpcConfig", Match.objectLike(Map.of()))), 5); // relay, queue ingest, sweep, arrival check, migration
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "INLET_DATABASE_URL", Map.of("Fn::Join", List.of("", List.of(
                                "jdbc:postgresql://", Match.anyValue(), ":5432/inlet?" + DatabaseAccess.PROXY_TLS)))))))));
    }
}
