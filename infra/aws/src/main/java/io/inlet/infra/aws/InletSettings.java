package io.inlet.infra.aws;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Everything that varies between Inlet deployments on AWS. Validated when built: a wrong value fails
 * the synth with a message naming the setting, never a half-deployed stack.
 *
 * <p>The platform limits that break ingestion in production are derived here rather than typed in:
 * the visibility timeout of every consumed queue ({@link #visibilityTimeoutSeconds(int)}) and the
 * concurrency each consumer may reach ({@link #concurrencyPerConsumer()}), which is cut from what the
 * database can take ({@code databaseConnections}).
 */
public record InletSettings(
        String functionsAsset,
        String feedsLocation,
        String channel,
        List<VendorBucketSpec> vendorBuckets,
        ObjectDelivery objectDelivery,
        List<QueueSpec> inboundQueues,
        List<QueueSpec> destinations,
        DatabaseSpec database,
        int databaseConnections,
        int ingestTimeoutSeconds,
        int relayTimeoutSeconds,
        int memoryMb,
        int batchSize,
        int batchingWindowSeconds,
        int maxReceiveCount,
        int relayEveryMinutes,
        int safetyMarginMs,
        int destinationConsumerTimeoutSeconds,
        RetentionDays logRetention,
        int transitionToInfrequentAccessDays,
        int noncurrentVersionExpirationDays,
        int claimCheckExpirationDays,
        int oldestMessageAlarmSeconds,
        int outboxLagAlarmSeconds,
        int relayMaxAttempts,
        String alarmEmail,
        FunctionArchitecture architecture,
        List<String> claimCheckAllowedBuckets) {

    /** AWS: the queue's visibility timeout should be at least six times the function timeout (plus the batching window). */
    public static final int VISIBILITY_FACTOR = 6;
    /**
     * The relay's reserved instances: one for the schedule, one for the wake queue's event source mapping
     * (a FIFO queue with one message group: at most one woken relay at a time), so neither throttles the
     * other. Two relays at once are safe: the outbox is claimed with SKIP LOCKED.
     */
    public static final int RELAY_CONCURRENCY = 2;
    /** Lambda's floor for an SQS event source mapping's MaximumConcurrency. */
    public static final int MIN_MAPPING_CONCURRENCY = 2;
    private static final int SQS_MAX_VISIBILITY_SECONDS = 43_200;
    private static final int FIFO_MAX_BATCH = 10;
    private static final java.util.regex.Pattern BUCKET_NAME = java.util.regex.Pattern.compile("(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public InletSettings {
        require(functionsAsset != null && !functionsAsset.isBlank(), "functionsAsset (path to inlet-functions-aws.jar) is required");
        require(feedsLocation != null && !feedsLocation.isBlank(), "feedsLocation (INLET_FEEDS: classpath:feeds.yaml or s3:// URI) is required");
        require(feedsLocation.startsWith("s3://") || feedsLocation.startsWith("classpath:") || !feedsLocation.contains(":"),
                "feedsLocation '" + feedsLocation + "' must be classpath:feeds.yaml (bundled in the jar), an s3:// URI or a path in the extracted jar");
        Objects.requireNonNull(architecture, "architecture");
        require(channel != null && channel.matches("[a-z0-9-]{1,32}"), "channel '" + channel + "' must be 1-32 of a-z, 0-9, '-'");
        require(vendorBuckets != null && !vendorBuckets.isEmpty(), "vendorBuckets: at least one vendor bucket is required");
        vendorBuckets = List.copyOf(vendorBuckets);
        requireUnique(vendorBuckets.stream().map(VendorBucketSpec::id).toList(), "vendorBuckets id");
        Objects.requireNonNull(objectDelivery, "objectDelivery");
        inboundQueues = List.copyOf(inboundQueues == null ? List.of() : inboundQueues);
        destinations = List.copyOf(destinations == null ? List.of() : destinations);
        requireUnique(inboundQueues.stream().map(QueueSpec::name).toList(), "inboundQueues name");
        requireUnique(destinations.stream().map(QueueSpec::name).toList(), "destinations name");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(logRetention, "logRetention");

        requireWithin("ingestTimeoutSeconds", ingestTimeoutSeconds, 10, 900);
        requireWithin("relayTimeoutSeconds", relayTimeoutSeconds, 10, 900);
        requireWithin("destinationConsumerTimeoutSeconds", destinationConsumerTimeoutSeconds, 1, 900);
        requireWithin("memoryMb", memoryMb, 512, 10_240);
        requireWithin("batchSize", batchSize, 1, 10_000);
        requireWithin("batchingWindowSeconds", batchingWindowSeconds, 0, 300);
        // Lambda refuses a batch size above 10 without a batching window on standard queues.
        require(batchSize <= 10 || batchingWindowSeconds >= 1,
                "batchSize " + batchSize + " above 10 needs batchingWindowSeconds >= 1 (Lambda refuses it otherwise)");
        requireWithin("maxReceiveCount", maxReceiveCount, 1, 1000);
        requireWithin("relayEveryMinutes", relayEveryMinutes, 1, 60);
        requireWithin("safetyMarginMs", safetyMarginMs, 1_000, ingestTimeoutSeconds * 1000 / 2);
        requireWithin("transitionToInfrequentAccessDays", transitionToInfrequentAccessDays, 30, 3650);
        requireWithin("noncurrentVersionExpirationDays", noncurrentVersionExpirationDays, 1, 3650);
        requireWithin("claimCheckExpirationDays", claimCheckExpirationDays, 1, 365);
        requireWithin("oldestMessageAlarmSeconds", oldestMessageAlarmSeconds, 60, 1_209_600);
        requireWithin("outboxLagAlarmSeconds", outboxLagAlarmSeconds, 10, 86_400);
        requireWithin("relayMaxAttempts", relayMaxAttempts, 1, 1_000);
        claimCheckAllowedBuckets = List.copyOf(claimCheckAllowedBuckets == null ? List.of() : claimCheckAllowedBuckets);
        for (String bucket : claimCheckAllowedBuckets) {
            require(bucket != null && BUCKET_NAME.matcher(bucket).matches(), "claimCheckAllowedBuckets: '" + bucket
                    + "' is not an S3 bucket name (a partner bucket whose claim-check pointers the queue consumer may fetch)");
        }
        requireUnique(claimCheckAllowedBuckets, "claimCheckAllowedBuckets");
        require(claimCheckAllowedBuckets.isEmpty() || !inboundQueues.isEmpty(), "claimCheckAllowedBuckets "
                + claimCheckAllowedBuckets + " needs inboundQueues: claim-check pointers arrive only in inbound queue messages");
        require(alarmEmail == null || alarmEmail.matches("[^@\\s]+@[^@\\s]+"), "alarmEmail '" + alarmEmail + "' is not an e-mail address");

        int consumers = consumerCount(inboundQueues);
        int perConsumer = (databaseConnections - RELAY_CONCURRENCY) / consumers;
        require(perConsumer >= MIN_MAPPING_CONCURRENCY, "databaseConnections " + databaseConnections + " leaves "
                + (databaseConnections - RELAY_CONCURRENCY) + " connection(s) for " + consumers
                + " consumer(s) after the relay's " + RELAY_CONCURRENCY + "; each needs at least " + MIN_MAPPING_CONCURRENCY
                + ": raise databaseConnections to at least " + (consumers * MIN_MAPPING_CONCURRENCY + RELAY_CONCURRENCY));
        int visibility = VISIBILITY_FACTOR * ingestTimeoutSeconds + batchingWindowSeconds;
        require(visibility <= SQS_MAX_VISIBILITY_SECONDS, "ingestTimeoutSeconds " + ingestTimeoutSeconds
                + " gives a visibility timeout of " + visibility + " s, above SQS's maximum " + SQS_MAX_VISIBILITY_SECONDS);
    }

    /** Visibility timeout for a queue consumed by a function with this timeout: 6x the timeout plus the batching window. */
    public int visibilityTimeoutSeconds(int consumerTimeoutSeconds) {
        return VISIBILITY_FACTOR * consumerTimeoutSeconds + batchingWindowSeconds;
    }

    /** Batch size for a mapping on this queue: FIFO event sources take at most 10 and no batching window. */
    public int batchSizeFor(boolean fifo) {
        return fifo ? Math.min(batchSize, FIFO_MAX_BATCH) : batchSize;
    }

    /** Whether the SQS ingest handler is deployed: it consumes the ingest queue and every inbound queue. */
    public boolean consumesQueues() {
        return objectDelivery == ObjectDelivery.SQS || !inboundQueues.isEmpty();
    }

    /**
     * The database connections each consumer (an event source mapping, or a directly invoked function)
     * may hold at most: one per concurrent instance, the relay's share taken first, capped by Lambda's 1000.
     */
    public int concurrencyPerConsumer() {
        return Math.min(1000, (databaseConnections - RELAY_CONCURRENCY) / consumerCount(inboundQueues));
    }

    /** The object path (ingest mapping, or the directly invoked function) plus one mapping per inbound queue. */
    private static int consumerCount(List<QueueSpec> inbound) {
        return 1 + inbound.size();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Inlet settings: " + message);
        }
    }

    private static void requireWithin(String name, int value, int min, int max) {
        require(value >= min && value <= max, name + " " + value + " must be within " + min + ".." + max);
    }

    private static void requireUnique(List<String> values, String what) {
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            require(seen.add(value), what + " '" + value + "' appears twice");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults suited to a first deployment; every one is overridable. */
    public static final class Builder {
        private String functionsAsset = "../../functions-aws/target/inlet-functions-aws.jar";
        /** The feeds file bundled by {@code -Dinlet.feeds=...} (FeedsBundle); read from the jar on either cloud. */
        private String feedsLocation = "classpath:feeds.yaml";
        private String channel = "aws";
        private final List<VendorBucketSpec> vendorBuckets = new ArrayList<>();
        private ObjectDelivery objectDelivery = ObjectDelivery.SQS;
        private final List<QueueSpec> inboundQueues = new ArrayList<>();
        private final List<QueueSpec> destinations = new ArrayList<>();
        private DatabaseSpec database;
        private int databaseConnections = 22;
        private int ingestTimeoutSeconds = 300;
        private int relayTimeoutSeconds = 60;
        private int memoryMb = 1024;
        private int batchSize = 10;
        private int batchingWindowSeconds = 5;
        private int maxReceiveCount = 5;
        private int relayEveryMinutes = 1;
        private int safetyMarginMs = 10_000;
        private int destinationConsumerTimeoutSeconds = 60;
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private int transitionToInfrequentAccessDays = 30;
        private int noncurrentVersionExpirationDays = 30;
        private int claimCheckExpirationDays = 14;
        private int oldestMessageAlarmSeconds = 900;
        private int outboxLagAlarmSeconds = 300;
        /** Failed publish attempts after which an outbox row is blocked (INLET_RELAY_MAX_ATTEMPTS). */
        private int relayMaxAttempts = 20;
        private String alarmEmail;
        private FunctionArchitecture architecture = FunctionArchitecture.ARM_64;
        /** Partner buckets an inbound claim-check pointer may name (INLET_CLAIM_CHECK_ALLOWED_BUCKETS); none by default. */
        private final List<String> claimCheckAllowedBuckets = new ArrayList<>();

        public Builder functionsAsset(String v) { functionsAsset = v; return this; }
        public Builder feedsLocation(String v) { feedsLocation = v; return this; }
        public Builder channel(String v) { channel = v; return this; }
        public Builder vendorBucket(VendorBucketSpec v) { vendorBuckets.add(v); return this; }
        public Builder objectDelivery(ObjectDelivery v) { objectDelivery = v; return this; }
        public Builder inboundQueue(QueueSpec v) { inboundQueues.add(v); return this; }
        public Builder destination(QueueSpec v) { destinations.add(v); return this; }
        public Builder database(DatabaseSpec v) { database = v; return this; }
        public Builder databaseConnections(int v) { databaseConnections = v; return this; }
        public Builder ingestTimeoutSeconds(int v) { ingestTimeoutSeconds = v; return this; }
        public Builder relayTimeoutSeconds(int v) { relayTimeoutSeconds = v; return this; }
        public Builder memoryMb(int v) { memoryMb = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder batchingWindowSeconds(int v) { batchingWindowSeconds = v; return this; }
        public Builder maxReceiveCount(int v) { maxReceiveCount = v; return this; }
        public Builder relayEveryMinutes(int v) { relayEveryMinutes = v; return this; }
        public Builder safetyMarginMs(int v) { safetyMarginMs = v; return this; }
        public Builder destinationConsumerTimeoutSeconds(int v) { destinationConsumerTimeoutSeconds = v; return this; }
        public Builder logRetention(RetentionDays v) { logRetention = v; return this; }
        public Builder transitionToInfrequentAccessDays(int v) { transitionToInfrequentAccessDays = v; return this; }
        public Builder noncurrentVersionExpirationDays(int v) { noncurrentVersionExpirationDays = v; return this; }
        public Builder claimCheckExpirationDays(int v) { claimCheckExpirationDays = v; return this; }
        public Builder oldestMessageAlarmSeconds(int v) { oldestMessageAlarmSeconds = v; return this; }
        public Builder outboxLagAlarmSeconds(int v) { outboxLagAlarmSeconds = v; return this; }
        public Builder relayMaxAttempts(int v) { relayMaxAttempts = v; return this; }
        public Builder alarmEmail(String v) { alarmEmail = v; return this; }
        public Builder architecture(FunctionArchitecture v) { architecture = v; return this; }
        public Builder claimCheckAllowedBucket(String v) { claimCheckAllowedBuckets.add(v); return this; }

        public InletSettings build() {
            return new InletSettings(functionsAsset, feedsLocation, channel, vendorBuckets, objectDelivery, inboundQueues,
                    destinations, database, databaseConnections, ingestTimeoutSeconds, relayTimeoutSeconds, memoryMb, batchSize,
                    batchingWindowSeconds, maxReceiveCount, relayEveryMinutes, safetyMarginMs, destinationConsumerTimeoutSeconds,
                    logRetention, transitionToInfrequentAccessDays, noncurrentVersionExpirationDays, claimCheckExpirationDays,
                    oldestMessageAlarmSeconds, outboxLagAlarmSeconds, relayMaxAttempts, alarmEmail, architecture,
                    claimCheckAllowedBuckets);
        }
    }
}
