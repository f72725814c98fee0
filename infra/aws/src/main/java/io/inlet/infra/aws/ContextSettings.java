package io.inlet.infra.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Reads {@link InletSettings} from the {@code inlet} CDK context object (see infra/aws/cdk.json for
 * an example). Unknown keys are refused by name, so a misspelt setting cannot silently fall back to
 * its default.
 */
final class ContextSettings {

    private static final Set<String> KEYS = Set.of("functionsAsset", "feedsLocation", "channel", "vendorBuckets",
            "objectDelivery", "inboundQueues", "destinations", "database", "databaseConnections", "ingestTimeoutSeconds",
            "relayTimeoutSeconds", "memoryMb", "batchSize", "batchingWindowSeconds", "maxReceiveCount", "relayEveryMinutes",
            "safetyMarginMs", "destinationConsumerTimeoutSeconds", "logRetentionDays", "transitionToInfrequentAccessDays",
            "noncurrentVersionExpirationDays", "claimCheckExpirationDays", "oldestMessageAlarmSeconds",
            "outboxLagAlarmSeconds", "relayMaxAttempts", "alarmEmail", "architecture", "claimCheckAllowedBuckets");

    private static final Set<String> VENDOR_BUCKET_KEYS = Set.of("id", "bucketName", "prefixes", "receiptsPrefix");

    private static final Map<Integer, RetentionDays> RETENTION = Map.ofEntries(
            Map.entry(1, RetentionDays.ONE_DAY), Map.entry(3, RetentionDays.THREE_DAYS), Map.entry(5, RetentionDays.FIVE_DAYS),
            Map.entry(7, RetentionDays.ONE_WEEK), Map.entry(14, RetentionDays.TWO_WEEKS), Map.entry(30, RetentionDays.ONE_MONTH),
            Map.entry(60, RetentionDays.TWO_MONTHS), Map.entry(90, RetentionDays.THREE_MONTHS),
            Map.entry(180, RetentionDays.SIX_MONTHS), Map.entry(365, RetentionDays.ONE_YEAR),
            Map.entry(731, RetentionDays.TWO_YEARS), Map.entry(1827, RetentionDays.FIVE_YEARS));

    private ContextSettings() {
    }

    static InletSettings read(Object context) {
        if (!(context instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("CDK context 'inlet' is missing or not an object: set it in infra/aws/cdk.json "
                    + "or cdk.context.json (docs/deploy.md lists its keys)");
        }
        Map<String, Object> map = strings(raw, "inlet");
        InletSettings.Builder b = InletSettings.builder();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("CDK context inlet." + key + " is not a known setting; known: " + KEYS);
            }
            switch (key) {
                case "functionsAsset" -> b.functionsAsset(text(v, key));
                case "feedsLocation" -> b.feedsLocation(text(v, key));
                case "channel" -> b.channel(text(v, key));
                case "objectDelivery" -> b.objectDelivery(delivery(text(v, key)));
                case "vendorBuckets" -> list(v, key).forEach(item -> b.vendorBucket(vendorBucket(strings(item, key))));
                case "inboundQueues" -> list(v, key).forEach(item -> b.inboundQueue(queue(strings(item, key), key)));
                case "destinations" -> list(v, key).forEach(item -> b.destination(queue(strings(item, key), key)));
                case "database" -> b.database(database(strings(v, key)));
                case "databaseConnections" -> b.databaseConnections(number(v, key));
                case "ingestTimeoutSeconds" -> b.ingestTimeoutSeconds(number(v, key));
                case "relayTimeoutSeconds" -> b.relayTimeoutSeconds(number(v, key));
                case "memoryMb" -> b.memoryMb(number(v, key));
                case "batchSize" -> b.batchSize(number(v, key));
                case "batchingWindowSeconds" -> b.batchingWindowSeconds(number(v, key));
                case "maxReceiveCount" -> b.maxReceiveCount(number(v, key));
                case "relayEveryMinutes" -> b.relayEveryMinutes(number(v, key));
                case "safetyMarginMs" -> b.safetyMarginMs(number(v, key));
                case "destinationConsumerTimeoutSeconds" -> b.destinationConsumerTimeoutSeconds(number(v, key));
                case "logRetentionDays" -> b.logRetention(retention(number(v, key)));
                case "transitionToInfrequentAccessDays" -> b.transitionToInfrequentAccessDays(number(v, key));
                case "noncurrentVersionExpirationDays" -> b.noncurrentVersionExpirationDays(number(v, key));
                case "claimCheckExpirationDays" -> b.claimCheckExpirationDays(number(v, key));
                case "oldestMessageAlarmSeconds" -> b.oldestMessageAlarmSeconds(number(v, key));
                case "outboxLagAlarmSeconds" -> b.outboxLagAlarmSeconds(number(v, key));
                case "relayMaxAttempts" -> b.relayMaxAttempts(number(v, key));
                case "alarmEmail" -> b.alarmEmail(v == null ? null : text(v, key));
                case "architecture" -> b.architecture(FunctionArchitecture.of(text(v, key)));
                case "claimCheckAllowedBuckets" -> texts(v, key).forEach(b::claimCheckAllowedBucket);
                default -> throw new IllegalStateException(key);
            }
        }
        return b.build();
    }

    private static ObjectDelivery delivery(String value) {
        try {
            return ObjectDelivery.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CDK context inlet.objectDelivery '" + value + "' must be one of SQS, LAMBDA, EVENTBRIDGE");
        }
    }

    private static VendorBucketSpec vendorBucket(Map<String, Object> m) {
        for (String key : m.keySet()) {
            if (!VENDOR_BUCKET_KEYS.contains(key)) {
                throw new IllegalArgumentException("CDK context inlet.vendorBuckets[]." + key + " is not a known setting; known: " + VENDOR_BUCKET_KEYS);
            }
        }
        Object name = m.get("bucketName");
        Object receipts = m.get("receiptsPrefix");
        return new VendorBucketSpec(text(m.get("id"), "vendorBuckets[].id"), name == null ? null : text(name, "vendorBuckets[].bucketName"),
                list(m.get("prefixes"), "vendorBuckets[].prefixes").stream().map(p -> text(p, "vendorBuckets[].prefixes[]")).toList(),
                receipts == null ? null : text(receipts, "vendorBuckets[].receiptsPrefix"));
    }

    private static QueueSpec queue(Map<String, Object> m, String key) {
        return new QueueSpec(text(m.get("name"), key + "[].name"), Boolean.TRUE.equals(m.get("fifo")));
    }

    private static DatabaseSpec database(Map<String, Object> m) {
        if (m.containsKey("create")) {
            Map<String, Object> c = strings(m.get("create"), "database.create");
            return new DatabaseSpec.Created(text(c.get("instanceType"), "database.create.instanceType"),
                    number(c.get("allocatedStorageGib"), "database.create.allocatedStorageGib"),
                    Boolean.TRUE.equals(c.get("multiAz")));
        }
        DatabaseSpec.ExistingNetwork network = null;
        if (m.get("network") != null) {
            Map<String, Object> n = strings(m.get("network"), "database.network");
            network = new DatabaseSpec.ExistingNetwork(text(n.get("vpcId"), "database.network.vpcId"),
                    texts(n.get("availabilityZones"), "database.network.availabilityZones"),
                    texts(n.get("subnetIds"), "database.network.subnetIds"),
                    text(n.get("securityGroupId"), "database.network.securityGroupId"));
        }
        return new DatabaseSpec.Existing(text(m.get("jdbcUrl"), "database.jdbcUrl"), text(m.get("user"), "database.user"),
                text(m.get("secretArn"), "database.secretArn"), network);
    }

    private static RetentionDays retention(int days) {
        RetentionDays retention = RETENTION.get(days);
        if (retention == null) {
            throw new IllegalArgumentException("CDK context inlet.logRetentionDays " + days + " must be one of " + RETENTION.keySet());
        }
        return retention;
    }

    private static Map<String, Object> strings(Object value, String key) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("CDK context inlet." + key + " must be an object, got " + value);
        }
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        raw.forEach((k, v) -> map.put(String.valueOf(k), v));
        return map;
    }

    private static List<?> list(Object value, String key) {
        if (!(value instanceof List<?> l)) {
            throw new IllegalArgumentException("CDK context inlet." + key + " must be a list, got " + value);
        }
        return l;
    }

    private static List<String> texts(Object value, String key) {
        List<String> out = new ArrayList<>();
        list(value, key).forEach(item -> out.add(text(item, key + "[]")));
        return out;
    }

    private static String text(Object value, String key) {
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("CDK context inlet." + key + " must be a string, got " + value);
        }
        return s;
    }

    private static int number(Object value, String key) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new IllegalArgumentException("CDK context inlet." + key + " must be a whole number, got " + value);
    }
}
