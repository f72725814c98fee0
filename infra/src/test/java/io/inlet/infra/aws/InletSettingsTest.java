package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings fail at synth with a message naming the setting; the derived limits are computed, not typed. */
class InletSettingsTest {

    @Test
    void visibilityTimeoutIsSixTimesTheConsumerTimeoutPlusTheBatchingWindow() {
        InletSettings settings = Synth.settings().ingestTimeoutSeconds(120).batchingWindowSeconds(10).build();

        assertThat(settings.visibilityTimeoutSeconds(120)).isEqualTo(730);
    }

    @Test
    void concurrencyPerConsumerSharesTheDatabaseConnectionsLeftAfterTheRelay() {
        InletSettings settings = Synth.settings().databaseConnections(32)
                .inboundQueue(QueueSpec.standard("orders")).inboundQueue(QueueSpec.fifo("stock")).build();

        assertThat(settings.concurrencyPerConsumer()).isEqualTo(10);
    }

    @Test
    void tooFewDatabaseConnectionsForTheConsumersIsRefusedWithTheMinimum() {
        assertThatThrownBy(() -> Synth.settings().databaseConnections(4).inboundQueue(QueueSpec.standard("orders")).build())
                .hasMessage("Inlet settings: databaseConnections 4 leaves 2 connection(s) for 2 consumer(s) after the relay's 2;"
                        + " each needs at least 2: raise databaseConnections to at least 6");
    }

    @Test
    void fifoMappingsTakeAtMostTenMessages() {
        InletSettings settings = Synth.settings().batchSize(100).batchingWindowSeconds(5).build();

        assertThat(settings.batchSizeFor(true)).isEqualTo(10);
        assertThat(settings.batchSizeFor(false)).isEqualTo(100);
    }

    @Test
    void batchAboveTenWithoutABatchingWindowIsRefused() {
        assertThatThrownBy(() -> Synth.settings().batchSize(50).batchingWindowSeconds(0).build())
                .hasMessageContaining("batchSize 50 above 10 needs batchingWindowSeconds >= 1");
    }

    @Test
    void functionTimeoutAboveLambdasMaximumIsRefused() {
        assertThatThrownBy(() -> Synth.settings().ingestTimeoutSeconds(901).build())
                .hasMessage("Inlet settings: ingestTimeoutSeconds 901 must be within 10..900");
    }

    @Test
    void overlappingPrefixesInOneBucketAreRefusedNamingBoth() {
        assertThatThrownBy(() -> new VendorBucketSpec("Vendors", null, List.of("acme/", "acme/orders/")))
                .hasMessage("vendor bucket 'Vendors': prefixes 'acme/' and 'acme/orders/' overlap; S3 rejects overlapping notification filters");
    }

    @Test
    void prefixWithoutTrailingSlashIsRefused() {
        assertThatThrownBy(() -> new VendorBucketSpec("Vendors", null, List.of("acme")))
                .hasMessageContaining("prefix 'acme' must not start with '/', must end with '/'");
    }

    @Test
    void partialSecretArnIsRefusedBecauseTheGrantWouldNeedAWildcard() {
        assertThatThrownBy(() -> new DatabaseSpec.Existing("jdbc:postgresql://h:5432/d?sslmode=verify-full", "inlet",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:inlet/db", null))
                .hasMessageContaining("must be a complete Secrets Manager ARN ending in -XXXXXX");
    }

    @Test
    void duplicateDestinationNamesAreRefused() {
        assertThatThrownBy(() -> Synth.settings().destination(QueueSpec.standard("order-events")).build())
                .hasMessage("Inlet settings: destinations name 'order-events' appears twice");
    }

    @Test
    void contextObjectIsReadIntoSettings() {
        InletSettings settings = ContextSettings.read(Map.of(
                "functionsAsset", "build/inlet.jar",
                "feedsLocation", "classpath:feeds.yaml",
                "architecture", "x86_64",
                "vendorBuckets", List.of(Map.of("id", "Vendors", "prefixes", List.of("acme/"))),
                "destinations", List.of(Map.of("name", "order-events", "fifo", true)),
                "database", Map.of("create", Map.of("instanceType", "t4g.large", "allocatedStorageGib", 100, "multiAz", true)),
                "objectDelivery", "EVENTBRIDGE",
                "ingestTimeoutSeconds", 600,
                "logRetentionDays", 90));

        assertThat(settings.vendorBuckets()).containsExactly(new VendorBucketSpec("Vendors", null, List.of("acme/")));
        assertThat(settings.destinations()).containsExactly(QueueSpec.fifo("order-events"));
        assertThat(settings.database()).isEqualTo(new DatabaseSpec.Created("t4g.large", 100, true));
        assertThat(settings.objectDelivery()).isEqualTo(ObjectDelivery.EVENTBRIDGE);
        assertThat(settings.ingestTimeoutSeconds()).isEqualTo(600);
        assertThat(settings.logRetention()).isEqualTo(software.amazon.awscdk.services.logs.RetentionDays.THREE_MONTHS);
        assertThat(settings.architecture()).isEqualTo(FunctionArchitecture.X86_64);
        assertThat(settings.feedsLocation()).isEqualTo("classpath:feeds.yaml");
    }

    /** Issue 14.2/14.6: the defaults read the feeds file bundled in the jar and run on arm64. */
    @Test
    void defaultsAreTheBundledFeedsFileAndArm64() {
        InletSettings settings = InletSettings.builder().functionsAsset("build/inlet.jar")
                .vendorBucket(new VendorBucketSpec("Vendors", null, List.of("acme/")))
                .database(new DatabaseSpec.Created("t4g.micro", 20, false)).build();

        assertThat(settings.feedsLocation()).isEqualTo("classpath:feeds.yaml");
        assertThat(settings.architecture()).isEqualTo(FunctionArchitecture.ARM_64);
    }

    @Test
    void anUnknownArchitectureOrAForeignFeedsSchemeIsRefusedByName() {
        assertThatThrownBy(() -> ContextSettings.read(Map.of("architecture", "aarch64")))
                .hasMessage("CDK context inlet.architecture 'aarch64' must be arm64 or x86_64");
        assertThatThrownBy(() -> Synth.settings().feedsLocation("gs://config/feeds.yaml").build())
                .hasMessageContaining("feedsLocation 'gs://config/feeds.yaml' must be classpath:feeds.yaml");
    }

    @Test
    void receiptsPrefixAndPartnerClaimCheckBucketsAreReadFromTheContext() {
        InletSettings settings = ContextSettings.read(Map.of(
                "vendorBuckets", List.of(Map.of("id", "Vendors", "prefixes", List.of("acme/"), "receiptsPrefix", "receipts/")),
                "inboundQueues", List.of(Map.of("name", "orders")),
                "claimCheckAllowedBuckets", List.of("partner-large"),
                "database", Map.of("create", Map.of("instanceType", "t4g.large", "allocatedStorageGib", 100, "multiAz", true))));

        assertThat(settings.vendorBuckets()).containsExactly(new VendorBucketSpec("Vendors", null, List.of("acme/"), "receipts/"));
        assertThat(settings.claimCheckAllowedBuckets()).containsExactly("partner-large");
    }

    @Test
    void aReceiptsPrefixThatIsNotAFolderIsRefused() {
        assertThatThrownBy(() -> new VendorBucketSpec("Vendors", null, List.of("acme/"), "receipts"))
                .hasMessageContaining("receiptsPrefix 'receipts' must be a folder");
        assertThatThrownBy(() -> new VendorBucketSpec("Vendors", null, List.of("acme/"), "../x/"))
                .hasMessageContaining("receiptsPrefix '../x/' must be a folder");
    }

    @Test
    void partnerClaimCheckBucketsNeedInboundQueuesAndValidNames() {
        assertThatThrownBy(() -> Synth.settings().claimCheckAllowedBucket("partner-large").build())
                .hasMessageContaining("claimCheckAllowedBuckets [partner-large] needs inboundQueues");
        assertThatThrownBy(() -> Synth.settings().inboundQueue(QueueSpec.standard("orders")).claimCheckAllowedBucket("Not_A_Bucket").build())
                .hasMessageContaining("claimCheckAllowedBuckets: 'Not_A_Bucket' is not an S3 bucket name");
    }

    @Test
    void aMisspeltVendorBucketKeyIsRefusedByName() {
        assertThatThrownBy(() -> ContextSettings.read(Map.of("vendorBuckets",
                List.of(Map.of("id", "Vendors", "prefixes", List.of("acme/"), "receiptPrefix", "receipts/")))))
                .hasMessageStartingWith("CDK context inlet.vendorBuckets[].receiptPrefix is not a known setting");
    }

    @Test
    void misspeltContextKeyIsRefusedByName() {
        assertThatThrownBy(() -> ContextSettings.read(Map.of("ingestTimeoutSecs", 600)))
                .hasMessageStartingWith("CDK context inlet.ingestTimeoutSecs is not a known setting");
    }
}
