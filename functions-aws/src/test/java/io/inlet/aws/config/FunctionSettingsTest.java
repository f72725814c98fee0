package io.inlet.aws.config;

import io.inlet.trigger.SettingException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionSettingsTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", "classpath:feeds.yaml");
        env.put("INLET_DATABASE_URL", "jdbc:postgresql://db.internal:5432/inlet");
        env.put("INLET_DATABASE_USER", "inlet");
        env.put("INLET_DATABASE_PASSWORD", "s3cret");
        return env;
    }

    @Test
    void minimalEnvironmentGetsTheDefaults() {
        FunctionSettings s = FunctionSettings.fromEnvironment(minimal());
        assertThat(s).isEqualTo(new FunctionSettings("classpath:feeds.yaml", "jdbc:postgresql://db.internal:5432/inlet",
                "inlet", "s3cret", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(10), 8));
    }

    @Test
    void everySettingIsRead() {
        Map<String, String> env = minimal();
        env.remove("INLET_DATABASE_PASSWORD");
        env.put("INLET_FEEDS", "s3://config-bucket/inlet/feeds.yaml");
        env.put("INLET_DATABASE_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:inlet-db-AbCdEf");
        env.put("INLET_DESTINATIONS", "orders=https://sqs.eu-west-1.amazonaws.com/111122223333/orders.fifo, "
                + "audit=https://sqs.eu-west-1.amazonaws.com/111122223333/audit");
        env.put("INLET_CLAIM_CHECK_BUCKET", "inlet-claims");
        env.put("INLET_CLAIM_CHECK_PREFIX", "outbox/");
        env.put("INLET_CHANNEL", "orders");
        env.put("INLET_SAFETY_MARGIN_MS", "2500");
        env.put("INLET_RELAY_SEND_CONCURRENCY", "3");
        FunctionSettings s = FunctionSettings.fromEnvironment(env);
        assertThat(s.destinations()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "orders", "https://sqs.eu-west-1.amazonaws.com/111122223333/orders.fifo",
                "audit", "https://sqs.eu-west-1.amazonaws.com/111122223333/audit"));
        assertThat(s.databaseSecretArn()).isEqualTo("arn:aws:secretsmanager:eu-west-1:111122223333:secret:inlet-db-AbCdEf");
        assertThat(s.databasePassword()).isNull();
        assertThat(s.claimCheckBucket()).isEqualTo("inlet-claims");
        assertThat(s.claimCheckPrefix()).isEqualTo("outbox/");
        assertThat(s.channel()).isEqualTo("orders");
        assertThat(s.safetyMargin()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.relaySendConcurrency()).isEqualTo(3);
    }

    @Test
    void missingFeedsNamesTheVariable() {
        Map<String, String> env = minimal();
        env.remove("INLET_FEEDS");
        assertRejected(env, "INLET_FEEDS", "INLET_FEEDS is not set: where the feeds file is: classpath:feeds.yaml, a path, s3://bucket/key or gs://bucket/key");
    }

    @Test
    void missingDatabaseUrlNamesTheVariable() {
        Map<String, String> env = minimal();
        env.put("INLET_DATABASE_URL", " ");
        assertRejected(env, "INLET_DATABASE_URL", "INLET_DATABASE_URL is not set: a jdbc:postgresql:// URL");
    }

    @Test
    void nonPostgresUrlIsRejected() {
        Map<String, String> env = minimal();
        env.put("INLET_DATABASE_URL", "jdbc:mysql://x/y");
        assertRejected(env, "INLET_DATABASE_URL", "INLET_DATABASE_URL must start with jdbc:postgresql:// (was 'jdbc:mysql://x/y')");
    }

    @Test
    void noPasswordAndNoSecretIsRejected() {
        Map<String, String> env = minimal();
        env.remove("INLET_DATABASE_PASSWORD");
        assertRejected(env, "INLET_DATABASE_PASSWORD", "INLET_DATABASE_PASSWORD is not set (nor is INLET_DATABASE_SECRET_ARN)");
    }

    @Test
    void passwordAndSecretTogetherAreRejected() {
        Map<String, String> env = minimal();
        env.put("INLET_DATABASE_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:x");
        assertRejected(env, "INLET_DATABASE_PASSWORD",
                "INLET_DATABASE_PASSWORD set either it or INLET_DATABASE_SECRET_ARN, not both");
    }

    @Test
    void malformedDestinationIsRejectedNamingThePair() {
        Map<String, String> env = minimal();
        env.put("INLET_DESTINATIONS", "orders=https://q/1,audit");
        assertRejected(env, "INLET_DESTINATIONS", "INLET_DESTINATIONS 'audit' is not name=queueUrl");
        env.put("INLET_DESTINATIONS", "orders=sqs-orders");
        assertRejected(env, "INLET_DESTINATIONS", "INLET_DESTINATIONS queue URL of 'orders' is not a URL: 'sqs-orders'");
        env.put("INLET_DESTINATIONS", "orders=https://q/1,orders=https://q/2");
        assertRejected(env, "INLET_DESTINATIONS", "INLET_DESTINATIONS names 'orders' twice");
    }

    @Test
    void badSafetyMarginIsRejected() {
        Map<String, String> env = minimal();
        env.put("INLET_SAFETY_MARGIN_MS", "10s");
        assertRejected(env, "INLET_SAFETY_MARGIN_MS", "INLET_SAFETY_MARGIN_MS '10s' is not a whole number of milliseconds");
    }

    @Test
    void relaySendConcurrencyOutsideOneToSixtyFourOrNotANumberIsRejected() {
        Map<String, String> env = minimal();
        env.put("INLET_RELAY_SEND_CONCURRENCY", "0");
        assertRejected(env, "INLET_RELAY_SEND_CONCURRENCY", "INLET_RELAY_SEND_CONCURRENCY must be 1..64 (was 0)");
        env.put("INLET_RELAY_SEND_CONCURRENCY", "65");
        assertRejected(env, "INLET_RELAY_SEND_CONCURRENCY", "INLET_RELAY_SEND_CONCURRENCY must be 1..64 (was 65)");
        env.put("INLET_RELAY_SEND_CONCURRENCY", "eight");
        assertRejected(env, "INLET_RELAY_SEND_CONCURRENCY",
                "INLET_RELAY_SEND_CONCURRENCY 'eight' is not a whole number (1..64)");
        env.put("INLET_RELAY_SEND_CONCURRENCY", "64");
        assertThat(FunctionSettings.fromEnvironment(env).relaySendConcurrency()).isEqualTo(64);
    }

    @Test
    void claimCheckThresholdOutsideOneByteToOneMebibyteOrNotANumberIsRejectedAtStartUp() {
        Map<String, String> env = minimal();
        assertThat(FunctionSettings.fromEnvironment(env).claimCheckThresholdBytes()).isEqualTo(262144);
        env.put("INLET_CLAIM_CHECK_THRESHOLD_BYTES", "0");
        assertRejected(env, "INLET_CLAIM_CHECK_THRESHOLD_BYTES", "INLET_CLAIM_CHECK_THRESHOLD_BYTES must be 1..1048576 (was 0)");
        env.put("INLET_CLAIM_CHECK_THRESHOLD_BYTES", "1048577");
        assertRejected(env, "INLET_CLAIM_CHECK_THRESHOLD_BYTES",
                "INLET_CLAIM_CHECK_THRESHOLD_BYTES must be 1..1048576 (was 1048577)");
        env.put("INLET_CLAIM_CHECK_THRESHOLD_BYTES", "1MiB");
        assertRejected(env, "INLET_CLAIM_CHECK_THRESHOLD_BYTES",
                "INLET_CLAIM_CHECK_THRESHOLD_BYTES '1MiB' is not a whole number (1..1048576)");
        env.put("INLET_CLAIM_CHECK_THRESHOLD_BYTES", "1048576");
        assertThat(FunctionSettings.fromEnvironment(env).claimCheckThresholdBytes()).isEqualTo(1048576);
    }

    @Test
    void inboundPointersMayNameTheAllowedBucketsAndTheClaimCheckBucket() {
        Map<String, String> env = minimal();
        assertThat(FunctionSettings.fromEnvironment(env).pointerBuckets()).isEmpty();
        env.put("INLET_CLAIM_CHECK_ALLOWED_BUCKETS", " partner-a, partner-b ,");
        env.put("INLET_CLAIM_CHECK_BUCKET", "inlet-claims");
        assertThat(FunctionSettings.fromEnvironment(env).pointerBuckets())
                .containsExactly("inlet-claims", "partner-a", "partner-b");
    }

    @Test
    void s3FeedsWithoutKeyIsRejected() {
        Map<String, String> env = minimal();
        env.put("INLET_FEEDS", "s3://bucket-only");
        assertRejected(env, "INLET_FEEDS", "INLET_FEEDS 's3://bucket-only' is not s3://bucket/key");
    }

    private static void assertRejected(Map<String, String> env, String variable, String message) {
        assertThatThrownBy(() -> FunctionSettings.fromEnvironment(env))
                .isInstanceOfSatisfying(SettingException.class, e -> assertThat(e.variable()).isEqualTo(variable))
                .hasMessage(message);
    }
}
