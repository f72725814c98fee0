package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * What the functions may do in S3: read their feed prefixes everywhere, write only the receipts
 * under a vendor bucket's receipts prefix (and the relay its own claim checks), and read an
 * allow-listed partner's claim-check objects.
 */
class StorageGrantsTest {

    private static final List<String> READ_ACTIONS = List.of("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket",
            "s3:GetBucketVersioning",
            // CDK's BucketNotificationsHandler writes the buckets' notification configuration at deploy time;
            // it is no Inlet function and never touches an object
            "s3:PutBucketNotification");

    /** One allowed S3 statement: its Sid, its non-read actions, and its resources as JSON text. */
    record Write(String sid, List<String> actions, String resources) {
    }

    @Test
    void functionsReadEverywhereButWriteInAVendorBucketOnlyUnderItsReceiptsPrefix() {
        List<Write> writes = writes(Synth.json(Synth.settings().build()));

        assertThat(writes).extracting(Write::sid).containsExactlyInAnyOrder("WriteClaimChecks", "WriteReceiptsVendors");
        Write receipts = writes.stream().filter(w -> w.sid().equals("WriteReceiptsVendors")).findFirst().orElseThrow();
        assertThat(receipts.actions()).containsExactly("s3:PutObject");
        assertThat(receipts.resources()).contains("Vendors").contains("/receipts/*").doesNotContain("Partner");
        // the whole bucket is never writable
        assertThat(writes).noneMatch(w -> w.resources().matches(".*Vendors[A-Za-z0-9]*, Arn\\]\\}, /\\*\\].*"));
        Template template = Synth.cached(Synth.settings().build());
        // the ingest role carries the write; the sweep's role does not
        template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Sid", "ReadFeedPrefixesVendors")),
                        Match.objectLike(Map.of("Sid", "WriteReceiptsVendors", "Action", "s3:PutObject",
                                "Resource", Map.of("Fn::Join", List.of("", List.of(Match.anyValue(), "/receipts/*"))))))))))));
    }

    @Test
    void everyObjectDeliveryWritesReceiptsFromItsIngestFunction() {
        for (ObjectDelivery delivery : ObjectDelivery.values()) {
            List<Write> writes = writes(Synth.json(Synth.settings().objectDelivery(delivery).build()));
            assertThat(writes).as(delivery.name()).extracting(Write::sid).contains("WriteReceiptsVendors");
        }
    }

    @Test
    void withoutAReceiptsPrefixNoFunctionMayWriteAVendorBucket() {
        InletSettings readOnly = Synth.settings().build();
        List<VendorBucketSpec> buckets = readOnly.vendorBuckets().stream()
                .map(b -> new VendorBucketSpec(b.id(), b.bucketName(), b.prefixes())).toList();
        InletSettings.Builder builder = Synth.settings();
        InletSettings settings = rebuilt(builder, buckets);

        assertThat(writes(Synth.json(settings))).extracting(Write::sid).containsExactly("WriteClaimChecks");
    }

    @Test
    void partnerClaimCheckBucketsAreAllowListedOnTheQueueConsumerAndReadableThere() {
        InletSettings settings = Synth.settings().inboundQueue(QueueSpec.standard("orders"))
                .claimCheckAllowedBucket("partner-large-a").claimCheckAllowedBucket("partner-large-b").build();
        Template template = Synth.cached(settings);

        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", InletStack.SQS_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        InletStack.CLAIM_CHECK_ALLOWED_BUCKETS, "partner-large-a,partner-large-b"))))));
        template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "ReadPartnerClaimChecks", "Action", "s3:GetObject",
                        "Resource", List.of(
                                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":s3:::partner-large-a/*"))),
                                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":s3:::partner-large-b/*")))))))))))));
        // only the queue consumer: the relay and the sweep neither get the list nor the grant
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of(InletStack.CLAIM_CHECK_ALLOWED_BUCKETS, Match.anyValue()))))), 1);
        assertThat(template.toJSON().toString().split("ReadPartnerClaimChecks", -1)).hasSize(2);
        // and the partner buckets are never written
        assertThat(writes(template.toJSON())).noneMatch(w -> w.resources().contains("partner-large"));
    }

    @Test
    void withoutPartnerBucketsTheQueueConsumerHasNoAllowListAndNoPartnerGrant() {
        Template template = Synth.cached(Synth.settings().inboundQueue(QueueSpec.standard("orders")).build());

        template.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of(InletStack.CLAIM_CHECK_ALLOWED_BUCKETS, Match.anyValue()))))), 0);
        assertThat(template.toJSON().toString()).doesNotContain("ReadPartnerClaimChecks");
    }

    private static InletSettings rebuilt(InletSettings.Builder builder, List<VendorBucketSpec> buckets) {
        InletSettings s = builder.build();
        return new InletSettings(s.functionsAsset(), s.feedsLocation(), s.channel(), buckets, s.objectDelivery(),
                s.inboundQueues(), s.destinations(), s.database(), s.databaseConnections(), s.ingestTimeoutSeconds(),
                s.relayTimeoutSeconds(), s.memoryMb(), s.batchSize(), s.batchingWindowSeconds(), s.maxReceiveCount(),
                s.relayEveryMinutes(), s.safetyMarginMs(), s.destinationConsumerTimeoutSeconds(), s.logRetention(),
                s.transitionToInfrequentAccessDays(), s.noncurrentVersionExpirationDays(), s.claimCheckExpirationDays(),
                s.oldestMessageAlarmSeconds(), s.outboxLagAlarmSeconds(), s.relayMaxAttempts(), s.alarmEmail(),
                s.architecture(), s.claimCheckAllowedBuckets());
    }

    /** Every Allow statement of every IAM policy that grants an S3 action other than a read. */
    @SuppressWarnings("unchecked")
    static List<Write> writes(Map<String, Object> template) {
        List<Write> out = new ArrayList<>();
        Map<String, Object> resources = (Map<String, Object>) template.get("Resources");
        for (Object r : resources.values()) {
            Map<String, Object> resource = (Map<String, Object>) r;
            if (!"AWS::IAM::Policy".equals(resource.get("Type"))) continue;
            Map<String, Object> doc = (Map<String, Object>) ((Map<String, Object>) resource.get("Properties")).get("PolicyDocument");
            for (Object st : (List<Object>) doc.get("Statement")) {
                Map<String, Object> statement = (Map<String, Object>) st;
                if (!"Allow".equals(statement.get("Effect"))) continue;
                Object action = statement.get("Action");
                List<String> actions = action instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(action));
                List<String> nonRead = actions.stream().filter(a -> a.startsWith("s3:") && !READ_ACTIONS.contains(a)).toList();
                if (!nonRead.isEmpty()) out.add(new Write(String.valueOf(statement.get("Sid")), nonRead, String.valueOf(statement.get("Resource"))));
            }
        }
        return out;
    }
}
