package io.inlet.infra.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Inlet on AWS: vendor buckets, the path from a written object to the ingest function, inbound event
 * queues, destination queues and the scheduled outbox relay, the database access, and the alarms.
 *
 * <p>Read it top to bottom as the flow of DESIGN.md: buckets -> notification -> queue -> function ->
 * database -> outbox -> relay -> destination queues. Every IAM grant names the resource it is for.
 */
public final class InletStack extends Stack {

    public static final String S3_HANDLER = "io.inlet.aws.S3ObjectHandler::handleRequest";
    public static final String SQS_HANDLER = "io.inlet.aws.SqsIngestHandler::handleRequest";
    public static final String EVENTBRIDGE_HANDLER = "io.inlet.aws.EventBridgeObjectHandler::handleRequest";
    /** Wakes handed to one woken relay at most (a FIFO mapping's maximum). */
    static final int RELAY_WAKE_BATCH = 10;
    public static final String RELAY_HANDLER = "io.inlet.aws.OutboxRelayHandler::handleRequest";
    public static final String SWEEP_HANDLER = "io.inlet.aws.SweepHandler::handleRequest";
    public static final String MIGRATION_HANDLER = "io.inlet.aws.migrate.MigrationHandler::handleRequest";
    /** The migration's timeout: Flyway over an empty database and the event tables take seconds; an index build on a big table may not. */
    static final int MIGRATION_TIMEOUT_SECONDS = 600;
    /** The missed-notification sweep runs daily (05:00 UTC) over the last two days (INLET_SWEEP_LOOKBACK). */
    public static final String SWEEP_SCHEDULE = "cron(0 5 * * ? *)";
    /** The queue consumer's allow-list of partner claim-check buckets (functions-aws FunctionSettings). */
    public static final String CLAIM_CHECK_ALLOWED_BUCKETS = "INLET_CLAIM_CHECK_ALLOWED_BUCKETS";

    /** Lambda retries a failed asynchronous invocation twice before the on-failure destination. */
    private static final int ASYNC_RETRIES = 2;
    private static final Duration ASYNC_MAX_EVENT_AGE = Duration.hours(6);

    private final InletSettings settings;
    private final Map<String, Bucket> vendorBuckets = new LinkedHashMap<>();
    private final Map<String, QueueWithDeadLetter> destinations = new LinkedHashMap<>();
    private final Map<String, QueueWithDeadLetter> inboundQueues = new LinkedHashMap<>();
    private final List<InletFunction> functions = new ArrayList<>();
    private QueueWithDeadLetter ingestQueue;
    private InletFunction queueConsumer;
    private InletFunction relay;
    private QueueWithDeadLetter relayWake;
    private InletAlarms alarms;
    private MigrationTrigger migration;

    public InletStack(Construct scope, String id, StackProps props, InletSettings settings) {
        super(scope, id, props);
        // Server access logs are delivered under a bucket policy for logging.s3.amazonaws.com, not the
        // LogDeliveryWrite ACL, which ACL-less buckets (BUCKET_OWNER_ENFORCED) cannot carry.
        getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
        this.settings = settings;
        Code code = Code.fromAsset(settings.functionsAsset());
        DatabaseAccess database = new DatabaseAccess(this, "Database", settings.database(), settings.logRetention());
        this.alarms = new InletAlarms(this, "Alarms", settings.alarmEmail());
        InletObservability.transactionSearch(this);

        // Server access logs of every bucket (who read or wrote which vendor file), kept ACCESS_LOG_DAYS.
        Bucket accessLogs = HardenedBucket.create(this, "AccessLogs", null, List.of(LifecycleRule.builder()
                .id("expire-access-logs")
                .expiration(Duration.days(ACCESS_LOG_DAYS))
                .noncurrentVersionExpiration(Duration.days(1))
                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                .build()), false, null);
        InletNagPolicy.accessLogBucket(accessLogs);
        for (VendorBucketSpec spec : settings.vendorBuckets()) {
            vendorBuckets.put(spec.id(), HardenedBucket.create(this, spec.id(), spec.bucketName(), vendorLifecycle(),
                    settings.objectDelivery() == ObjectDelivery.EVENTBRIDGE, accessLogs));
        }
        Bucket claimChecks = HardenedBucket.create(this, "ClaimChecks", null, List.of(LifecycleRule.builder()
                .id("expire-claim-checks")
                .expiration(Duration.days(settings.claimCheckExpirationDays()))
                .noncurrentVersionExpiration(Duration.days(1))
                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                .build()), false, accessLogs);

        int destinationVisibility = settings.visibilityTimeoutSeconds(settings.destinationConsumerTimeoutSeconds());
        for (QueueSpec spec : settings.destinations()) {
            QueueWithDeadLetter queue = new QueueWithDeadLetter(this, "Destination-" + spec.name(), spec.fifo(),
                    destinationVisibility, settings.maxReceiveCount());
            destinations.put(spec.name(), queue);
            alarms.deadLetterQueue("Destination-" + spec.name(), queue.deadLetterQueue());
        }

        // the relay's wake-up: ingestions that committed outbox rows send a wake here (docs/aws.md, "Relay wake-up")
        this.relayWake = new QueueWithDeadLetter(this, "RelayWake", true,
                settings.visibilityTimeoutSeconds(settings.relayTimeoutSeconds()), settings.maxReceiveCount());
        Map<String, String> environment = environment(database, claimChecks);
        this.relay = relay(code, environment, database, claimChecks);
        wireObjectDelivery(code, environment, database, claimChecks);
        wireInboundQueues();
        sweep(code, environment, database);
        functions.add(new ArrivalCheckFunction(this, "ArrivalCheck", new ArrivalCheckFunction.Props(code,
                loggingInAs(DatabaseAccess.LoginRole.INGEST, environment, database), database,
                settings.memoryMb(), settings.logRetention(), this::grantReadFeedsFile, this::failureQueue, alarms)).function());
        this.migration = new MigrationTrigger(this, "Migration", code, environment, database, settings, functions);
        grantReadFeedsFile(migration.function());
        alarms.outboxLag(settings.outboxLagAlarmSeconds());
        alarms.outboxBlocked(settings.relayMaxAttempts());
        acceptNagFindings(database, claimChecks);

        CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarms.topic().getTopicArn()).build();
        CfnOutput.Builder.create(this, "ClaimCheckBucketName").value(claimChecks.getBucketName()).build();
        // run it by hand after changing an s3:// feeds file in place or a login secret (docs/deploy.md)
        CfnOutput.Builder.create(this, "MigrationFunctionName").value(migration.function().function().getFunctionName()).build();
        for (DatabaseAccess.LoginRole role : DatabaseAccess.LoginRole.values()) {
            String name = role.name().charAt(0) + role.name().substring(1).toLowerCase(java.util.Locale.ROOT);
            CfnOutput.Builder.create(this, name + "LoginSecretArn").value(database.loginSecret(role).getSecretArn()).build();
        }
        vendorBuckets.forEach((name, bucket) ->
                CfnOutput.Builder.create(this, name + "BucketName").value(bucket.getBucketName()).build());
        destinations.forEach((name, queue) ->
                CfnOutput.Builder.create(this, "Destination" + name.replaceAll("[^A-Za-z0-9]", "") + "QueueUrl")
                        .value(queue.queue().getQueueUrl()).build());
    }

    /** How long server access logs are kept. */
    static final int ACCESS_LOG_DAYS = 365;

    /** The AwsSolutions findings this stack accepts, each with its reason ({@link InletNagPolicy}). */
    private void acceptNagFindings(DatabaseAccess database, Bucket claimChecks) {
        List<String> objectWildcards = new ArrayList<>();
        for (VendorBucketSpec spec : settings.vendorBuckets()) {
            spec.prefixes().forEach(prefix -> objectWildcards.add(InletNagPolicy.objectsArn(vendorBuckets.get(spec.id()), prefix + "*")));
            if (spec.receiptsPrefix() != null) {
                objectWildcards.add(InletNagPolicy.objectsArn(vendorBuckets.get(spec.id()), spec.receiptsPrefix() + "*"));
            }
        }
        objectWildcards.add(InletNagPolicy.objectsArn(claimChecks, "*"));
        settings.claimCheckAllowedBuckets().forEach(b -> objectWildcards.add(InletNagPolicy.partnerObjectsArn(b)));
        for (InletFunction fn : functions) {
            InletNagPolicy.function(fn, database.network() != null);
            InletNagPolicy.objectKeysUnderPrefixes(fn, objectWildcards);
        }
        InletNagPolicy.function(migration.function(), database.network() != null);
        InletNagPolicy.bucketNotificationsHandler(this);
        InletNagPolicy.triggerProvider(this, migration.function().function());
    }

    /** Objects are processed within minutes; afterwards they are kept cheaply for replays, old versions expire. */
    private List<LifecycleRule> vendorLifecycle() {
        return List.of(LifecycleRule.builder()
                .id("processed-objects")
                .transitions(List.of(Transition.builder()
                        .storageClass(StorageClass.INFREQUENT_ACCESS)
                        .transitionAfter(Duration.days(settings.transitionToInfrequentAccessDays()))
                        .build()))
                .noncurrentVersionExpiration(Duration.days(settings.noncurrentVersionExpirationDays()))
                .abortIncompleteMultipartUploadAfter(Duration.days(7))
                .build());
    }

    /** The JVM flags every function runs with. */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    private Map<String, String> environment(DatabaseAccess database, Bucket claimChecks) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("INLET_FEEDS", settings.feedsLocation());
        env.put("INLET_DATABASE_URL", database.jdbcUrl());
        List<String> pairs = new ArrayList<>();
        destinations.forEach((name, queue) -> pairs.add(name + "=" + queue.queue().getQueueUrl()));
        env.put("INLET_DESTINATIONS", String.join(",", pairs));
        env.put("INLET_CLAIM_CHECK_BUCKET", claimChecks.getBucketName());
        env.put("INLET_CHANNEL", settings.channel());
        env.put("INLET_SAFETY_MARGIN_MS", Integer.toString(settings.safetyMarginMs()));
        env.put("INLET_RELAY_MAX_ATTEMPTS", Integer.toString(settings.relayMaxAttempts()));
        env.put("INLET_RELAY_WAKE_QUEUE_URL", relayWake.queue().getQueueUrl());
        env.putAll(InletObservability.environment(this));
        // C1 only: AWS's advice for Lambda's short-lived JVMs; in functions-aws/bench/cold-start.sh it cuts
        // launch-to-first-file from ~4.0 s to ~2.6 s (docs/benchmarks.md). The price is C2's peak speed
        // on long ingestions.
        env.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        return env;
    }

    /**
     * The environment of a function logging in as {@code role}'s user: its login secret (the username
     * is in the secret), never the master's. Read on that one secret is granted here too.
     */
    private static Map<String, String> loggingInAs(DatabaseAccess.LoginRole role, Map<String, String> environment, DatabaseAccess database) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("INLET_DATABASE_SECRET_ARN", database.loginSecret(role).getSecretArn());
        return env;
    }

    private InletFunction relay(Code code, Map<String, String> environment, DatabaseAccess database, Bucket claimChecks) {
        InletFunction fn = new InletFunction(this, "Relay", new InletFunction.Props(RELAY_HANDLER,
                "Inlet outbox relay: publishes committed outbox rows to the destination queues", code,
                settings.relayTimeoutSeconds(), settings.memoryMb(), loggingInAs(DatabaseAccess.LoginRole.RELAY, environment, database),
                settings.logRetention(), InletSettings.RELAY_CONCURRENCY, database.network()));
        functions.add(fn);
        database.loginSecret(DatabaseAccess.LoginRole.RELAY).grantRead(fn.role());
        destinations.values().forEach(queue -> queue.queue().grantSendMessages(fn.role()));
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("WriteClaimChecks")
                .actions(List.of("s3:PutObject"))
                .resources(List.of(claimChecks.arnForObjects("*")))
                .build());
        grantReadFeedsFile(fn);

        Queue failures = failureQueue("RelayScheduleFailures");
        Rule.Builder.create(this, "RelaySchedule")
                .description("Runs the outbox relay every " + settings.relayEveryMinutes() + " minute(s)")
                .schedule(Schedule.rate(Duration.minutes(settings.relayEveryMinutes())))
                .targets(List.of(new LambdaFunction(fn.alias(), LambdaFunctionProps.builder()
                        .deadLetterQueue(failures)
                        .retryAttempts(ASYNC_RETRIES)
                        .maxEventAge(Duration.minutes(settings.relayEveryMinutes() * 5L))
                        .build())))
                .build();
        // Woken at once after an ingestion commits outbox rows: one message group, so at most one woken relay
        // runs at a time and the wakes sent meanwhile wait and arrive together (up to 10 per invocation).
        fn.alias().addEventSource(new SqsEventSource(relayWake.queue(), SqsEventSourceProps.builder()
                .batchSize(RELAY_WAKE_BATCH)
                .reportBatchItemFailures(true)
                .maxConcurrency(InletSettings.MIN_MAPPING_CONCURRENCY)
                .build()));
        // it wakes a successor when its deadline stops it with rows pending
        relayWake.queue().grantSendMessages(fn.role());
        alarms.deadLetterQueue("RelayWake", relayWake.deadLetterQueue());
        alarms.function("Relay", fn);
        alarms.relaySilent(fn);
        return fn;
    }

    /**
     * The scheduled missed-notification sweep: lists the feed prefixes of every vendor bucket and
     * compares them with the ledger. Its role may only list those prefixes and read (head) those
     * objects, the database secret and the feeds file; its metric {@code SweepMissingObjects} alarms at 1.
     */
    private void sweep(Code code, Map<String, String> environment, DatabaseAccess database) {
        InletFunction fn = new InletFunction(this, "Sweep", new InletFunction.Props(SWEEP_HANDLER,
                "Inlet missed-notification sweep: bucket listing against the file ledger", code,
                900, settings.memoryMb(), loggingInAs(DatabaseAccess.LoginRole.INGEST, environment, database), settings.logRetention(), 1,
                database.network()));
        functions.add(fn);
        for (VendorBucketSpec spec : settings.vendorBuckets()) {
            Bucket bucket = vendorBuckets.get(spec.id());
            fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("SweepListFeedPrefixes" + spec.id())
                    .actions(List.of("s3:ListBucket"))
                    .resources(List.of(bucket.getBucketArn()))
                    .conditions(Map.of("StringLike", Map.of("s3:prefix",
                            spec.prefixes().stream().map(prefix -> prefix + "*").toList())))
                    .build());
            fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("SweepReadVersioning" + spec.id())
                    // whether listed keys need a HEAD for their version id
                    .actions(List.of("s3:GetBucketVersioning"))
                    .resources(List.of(bucket.getBucketArn()))
                    .build());
            fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("SweepHeadFeedObjects" + spec.id())
                    // HEAD of a listed key (its version id) needs GetObject; of a named version, GetObjectVersion
                    .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
                    .resources(spec.prefixes().stream().map(prefix -> bucket.arnForObjects(prefix + "*")).toList())
                    .build());
        }
        database.loginSecret(DatabaseAccess.LoginRole.INGEST).grantRead(fn.role());
        grantReadFeedsFile(fn);
        Rule.Builder.create(this, "SweepSchedule")
                .description("Runs the missed-notification sweep daily")
                .schedule(Schedule.expression(SWEEP_SCHEDULE))
                .targets(List.of(new LambdaFunction(fn.alias(), LambdaFunctionProps.builder()
                        .deadLetterQueue(failureQueue("SweepScheduleFailures"))
                        .retryAttempts(ASYNC_RETRIES)
                        .build())))
                .build();
        alarms.function("Sweep", fn);
        alarms.sweepMissing();
    }

    private void wireObjectDelivery(Code code, Map<String, String> environment, DatabaseAccess database, Bucket claimChecks) {
        this.queueConsumer = settings.consumesQueues() ? queueConsumer(code, environment, database, claimChecks) : null;
        InletFunction consumer = queueConsumer;
        switch (settings.objectDelivery()) {
            case SQS -> {
                this.ingestQueue = new QueueWithDeadLetter(this, "Ingest", false,
                        settings.visibilityTimeoutSeconds(consumer.timeoutSeconds()), settings.maxReceiveCount());
                for (VendorBucketSpec spec : settings.vendorBuckets()) {
                    Bucket bucket = vendorBuckets.get(spec.id());
                    for (String prefix : spec.prefixes()) {
                        NotificationKeyFilter filter = NotificationKeyFilter.builder().prefix(prefix).build();
                        var destination = new software.amazon.awscdk.services.s3.notifications.SqsDestination(ingestQueue.queue());
                        bucket.addEventNotification(EventType.OBJECT_CREATED, destination, filter);
                        bucket.addEventNotification(EventType.OBJECT_REMOVED, destination, filter);
                    }
                }
                consume(consumer, ingestQueue, false);
                alarms.deadLetterQueue("Ingest", ingestQueue.deadLetterQueue());
                alarms.backlogAge("Ingest", ingestQueue.queue(), settings.oldestMessageAlarmSeconds());
            }
            case LAMBDA -> {
                InletFunction fn = objectFunction("ObjectIngest", S3_HANDLER, code, environment, database, claimChecks);
                for (VendorBucketSpec spec : settings.vendorBuckets()) {
                    Bucket bucket = vendorBuckets.get(spec.id());
                    for (String prefix : spec.prefixes()) {
                        NotificationKeyFilter filter = NotificationKeyFilter.builder().prefix(prefix).build();
                        bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(fn.alias()), filter);
                        bucket.addEventNotification(EventType.OBJECT_REMOVED, new LambdaDestination(fn.alias()), filter);
                    }
                }
            }
            case EVENTBRIDGE -> {
                InletFunction fn = objectFunction("ObjectIngest", EVENTBRIDGE_HANDLER, code, environment, database, claimChecks);
                Queue failures = failureQueue("ObjectEventFailures");
                for (VendorBucketSpec spec : settings.vendorBuckets()) {
                    Bucket bucket = vendorBuckets.get(spec.id());
                    List<Object> prefixes = new ArrayList<>();
                    spec.prefixes().forEach(prefix -> prefixes.add(Map.of("prefix", prefix)));
                    Rule.Builder.create(this, spec.id() + "ObjectEvents")
                            .description("Object Created/Deleted under the feed prefixes of " + spec.id())
                            .eventPattern(EventPattern.builder()
                                    .source(List.of("aws.s3"))
                                    .detailType(List.of("Object Created", "Object Deleted"))
                                    .detail(Map.of("bucket", Map.of("name", List.of(bucket.getBucketName())),
                                            "object", Map.of("key", prefixes)))
                                    .build())
                            .targets(List.of(new LambdaFunction(fn.alias(), LambdaFunctionProps.builder()
                                    .deadLetterQueue(failures)
                                    .retryAttempts(ASYNC_RETRIES)
                                    .maxEventAge(ASYNC_MAX_EVENT_AGE)
                                    .build())))
                            .build();
                }
            }
            default -> throw new IllegalStateException("unhandled delivery " + settings.objectDelivery());
        }
    }

    /**
     * A function S3 or EventBridge invokes asynchronously. With no event source mapping to bound it,
     * its reserved concurrency is the cap on database connections; a failure after Lambda's retries
     * lands in the on-failure queue, which acts as its dead-letter queue.
     */
    private InletFunction objectFunction(String id, String handler, Code code, Map<String, String> environment,
                                         DatabaseAccess database, Bucket claimChecks) {
        InletFunction fn = new InletFunction(this, id, new InletFunction.Props(handler,
                "Inlet object ingestion (" + settings.objectDelivery() + ")", code, settings.ingestTimeoutSeconds(),
                settings.memoryMb(), loggingInAs(DatabaseAccess.LoginRole.INGEST, environment, database), settings.logRetention(),
                settings.concurrencyPerConsumer(), database.network()));
        functions.add(fn);
        grantIngest(fn, database, claimChecks);
        Queue failures = failureQueue(id + "Failures");
        fn.alias().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(failures))
                .retryAttempts(ASYNC_RETRIES)
                .maxEventAge(ASYNC_MAX_EVENT_AGE)
                .build());
        alarms.function(id, fn);
        return fn;
    }

    private InletFunction queueConsumer(Code code, Map<String, String> environment, DatabaseAccess database, Bucket claimChecks) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        if (!settings.claimCheckAllowedBuckets().isEmpty()) {
            env.put(CLAIM_CHECK_ALLOWED_BUCKETS, String.join(",", settings.claimCheckAllowedBuckets()));
        }
        InletFunction fn = new InletFunction(this, "QueueIngest", new InletFunction.Props(SQS_HANDLER,
                "Inlet queue ingestion: S3 notifications and business events from SQS", code, settings.ingestTimeoutSeconds(),
                settings.memoryMb(), loggingInAs(DatabaseAccess.LoginRole.INGEST, env, database), settings.logRetention(), null,
                database.network()));
        functions.add(fn);
        grantIngest(fn, database, claimChecks);
        grantReadPartnerClaimChecks(fn);
        alarms.function("QueueIngest", fn);
        return fn;
    }

    private void wireInboundQueues() {
        if (settings.inboundQueues().isEmpty()) {
            return;
        }
        InletFunction consumer = queueConsumer;
        for (QueueSpec spec : settings.inboundQueues()) {
            QueueWithDeadLetter queue = new QueueWithDeadLetter(this, "Inbound-" + spec.name(), spec.fifo(),
                    settings.visibilityTimeoutSeconds(consumer.timeoutSeconds()), settings.maxReceiveCount());
            inboundQueues.put(spec.name(), queue);
            consume(consumer, queue, spec.fifo());
            alarms.deadLetterQueue("Inbound-" + spec.name(), queue.deadLetterQueue());
            alarms.backlogAge("Inbound-" + spec.name(), queue.queue(), settings.oldestMessageAlarmSeconds());
        }
    }

    /** The event source mapping: partial batch failures, bounded batch and concurrency. */
    private void consume(InletFunction consumer, QueueWithDeadLetter queue, boolean fifo) {
        SqsEventSourceProps.Builder props = SqsEventSourceProps.builder()
                .batchSize(settings.batchSizeFor(fifo))
                .reportBatchItemFailures(true)
                .maxConcurrency(settings.concurrencyPerConsumer());
        if (!fifo && settings.batchingWindowSeconds() > 0) {
            props.maxBatchingWindow(Duration.seconds(settings.batchingWindowSeconds()));
        }
        consumer.alias().addEventSource(new SqsEventSource(queue.queue(), props.build()));
    }

    /**
     * The partner buckets an inbound claim-check pointer may name (INLET_CLAIM_CHECK_ALLOWED_BUCKETS):
     * read their objects, nothing else (no list, no version, no write). None configured: no grant.
     */
    private void grantReadPartnerClaimChecks(InletFunction fn) {
        if (settings.claimCheckAllowedBuckets().isEmpty()) {
            return;
        }
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadPartnerClaimChecks")
                .actions(List.of("s3:GetObject"))
                .resources(settings.claimCheckAllowedBuckets().stream().map(this::partnerObjectsArn).toList())
                .build());
    }

    private String partnerObjectsArn(String bucket) {
        return "arn:" + getPartition() + ":s3:::" + bucket + "/*";
    }

    /** Read only the feed prefixes, the one secret, and the claim checks the relay wrote; write only receipts. */
    private void grantIngest(InletFunction fn, DatabaseAccess database, Bucket claimChecks) {
        // wakes the relay after a commit that queued outbox rows (sqs:SendMessage on the wake queue only)
        relayWake.queue().grantSendMessages(fn.role());
        for (VendorBucketSpec spec : settings.vendorBuckets()) {
            Bucket bucket = vendorBuckets.get(spec.id());
            fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("ReadFeedPrefixes" + spec.id())
                    // GetObjectVersion: notifications name the version that was written.
                    .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
                    .resources(spec.prefixes().stream().map(prefix -> bucket.arnForObjects(prefix + "*")).toList())
                    .build());
            fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("ListFeedPrefixes" + spec.id())
                    // Without ListBucket a missing key answers 403 instead of 404 (ObjectGone).
                    .actions(List.of("s3:ListBucket"))
                    .resources(List.of(bucket.getBucketArn()))
                    .conditions(Map.of("StringLike", Map.of("s3:prefix",
                            spec.prefixes().stream().map(prefix -> prefix + "*").toList())))
                    .build());
            if (spec.receiptsPrefix() != null) {
                fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .sid("WriteReceipts" + spec.id())
                        // the per-file receipts (issue 17.4): PutObject under the receipts prefix only, never the bucket
                        .actions(List.of("s3:PutObject"))
                        .resources(List.of(bucket.arnForObjects(spec.receiptsPrefix() + "*")))
                        .build());
            }
            fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("ReadVersioning" + spec.id())
                    // a file set's marker lists its prefix: whether listed keys need a HEAD for their version id
                    .actions(List.of("s3:GetBucketVersioning"))
                    .resources(List.of(bucket.getBucketArn()))
                    .build());
        }
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadClaimChecks")
                .actions(List.of("s3:GetObject"))
                .resources(List.of(claimChecks.arnForObjects("*")))
                .build());
        database.loginSecret(DatabaseAccess.LoginRole.INGEST).grantRead(fn.role());
        grantReadFeedsFile(fn);
    }

    private void grantReadFeedsFile(InletFunction fn) {
        String location = settings.feedsLocation();
        if (location.startsWith("s3://")) {
            String path = location.substring("s3://".length());
            int slash = path.indexOf('/');
            if (slash <= 0 || slash == path.length() - 1) {
                throw new IllegalArgumentException("Inlet settings: feedsLocation '" + location + "' must be s3://bucket/key");
            }
            fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("ReadFeedsFile")
                    .actions(List.of("s3:GetObject"))
                    .resources(List.of("arn:" + getPartition() + ":s3:::" + path))
                    .build());
        }
    }

    /** Where asynchronous invocations go after Lambda's own retries: a dead-letter queue in all but name. */
    private Queue failureQueue(String id) {
        Queue queue = Queue.Builder.create(this, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        InletNagPolicy.failureQueue(queue);
        alarms.deadLetterQueue(id, queue);
        return queue;
    }

    /** The migration function and the Trigger that runs it before the function versions. */
    public MigrationTrigger migration() {
        return migration;
    }

    /** The settings this stack was built from. */
    public InletSettings settings() {
        return settings;
    }

    /** The relay's wake queue (FIFO, one message group) and its dead-letter queue. */
    public QueueWithDeadLetter relayWake() {
        return relayWake;
    }

    public InletFunction relay() {
        return relay;
    }

    public QueueWithDeadLetter ingestQueue() {
        return ingestQueue;
    }

    public Map<String, QueueWithDeadLetter> destinations() {
        return destinations;
    }

    public Map<String, QueueWithDeadLetter> inboundQueues() {
        return inboundQueues;
    }

    public Map<String, Bucket> vendorBuckets() {
        return vendorBuckets;
    }
}
