package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.infra.aws.TemplateInvariants.Rule;
import io.inlet.infra.aws.TemplateInvariants.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * Proves the invariant checks bite: a stack that breaks each invariant on purpose, built with plain
 * CDK (not our constructs), must be reported for every breach, at the resource that breaks it.
 */
class TemplateInvariantsTest {

    private static List<Violation> violations;

    @BeforeAll
    static void synthBrokenStack() {
        Stack stack = new Stack(new App(), "Broken");
        Queue naked = Queue.Builder.create(stack, "NakedQueue").visibilityTimeout(Duration.seconds(60)).build();
        Function consumer = Function.Builder.create(stack, "Consumer")
                .runtime(Runtime.JAVA_17)
                .handler("io.inlet.aws.SqsIngestHandler::handleRequest")
                .code(Code.fromAsset(Synth.placeholderJar()))
                .timeout(Duration.seconds(30))
                .build();
        consumer.addEventSource(new SqsEventSource(naked, SqsEventSourceProps.builder().batchSize(10).build()));
        consumer.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:*"))
                .resources(List.of("*"))
                .build());
        CfnBucket.Builder.create(stack, "OpenBucket").build();
        violations = TemplateInvariants.check(Template.fromStack(stack).toJSON());
    }

    @Test
    void queueWithoutRedrivePolicyIsReported() {
        assertThat(at(Rule.QUEUE_WITHOUT_DEAD_LETTER_QUEUE)).containsExactly("NakedQueue");
    }

    @Test
    void visibilityTimeoutBelowSixTimesTheConsumersTimeoutIsReported() {
        assertThat(violations).filteredOn(v -> v.rule() == Rule.VISIBILITY_TIMEOUT_BELOW_SIX_TIMES_FUNCTION_TIMEOUT)
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).startsWith("VisibilityTimeout 60 s < 6 x 30 s"));
    }

    @Test
    void mappingWithoutPartialBatchFailuresOrConcurrencyBoundIsReported() {
        assertThat(at(Rule.MAPPING_WITHOUT_REPORT_BATCH_ITEM_FAILURES)).containsExactly("Consumer");
        assertThat(at(Rule.MAPPING_WITHOUT_MAXIMUM_CONCURRENCY)).containsExactly("Consumer");
    }

    @Test
    void wildcardActionAndWildcardResourceAreReported() {
        assertThat(violations).filteredOn(v -> v.rule() == Rule.WILDCARD_ACTION)
                .extracting(Violation::detail).containsExactly("action s3:*");
        assertThat(violations).filteredOn(v -> v.rule() == Rule.WILDCARD_RESOURCE)
                .extracting(Violation::detail).containsExactly("resource * for [s3:*]");
    }

    @Test
    void bucketWithoutEncryptionPublicAccessBlockTlsPolicyOrVersioningIsReported() {
        assertThat(at(Rule.BUCKET_WITHOUT_ENCRYPTION)).containsExactly("OpenBucket");
        assertThat(at(Rule.BUCKET_WITHOUT_PUBLIC_ACCESS_BLOCK)).containsExactly("OpenBucket", "OpenBucket", "OpenBucket", "OpenBucket");
        assertThat(at(Rule.BUCKET_WITHOUT_TLS_ONLY_POLICY)).containsExactly("OpenBucket");
        assertThat(at(Rule.BUCKET_WITHOUT_VERSIONING)).containsExactly("OpenBucket");
    }

    @Test
    void javaFunctionWithoutSnapStartOrLogRetentionIsReported() {
        assertThat(at(Rule.JAVA_FUNCTION_WITHOUT_SNAPSTART)).containsExactly("Consumer");
        assertThat(at(Rule.FUNCTION_LOGS_WITHOUT_RETENTION)).containsExactly("Consumer");
    }

    @Test
    void managedPolicyOutsideTheJustifiedListIsReported() {
        Map<String, Object> template = Map.of("Resources", Map.of("AdminRole", Map.of(
                "Type", "AWS::IAM::Role",
                "Properties", Map.of("ManagedPolicyArns", List.of("arn:aws:iam::aws:policy/AdministratorAccess")))));

        assertThat(TemplateInvariants.check(template))
                .containsExactly(new Violation(Rule.UNJUSTIFIED_MANAGED_POLICY, "AdminRole", "arn:aws:iam::aws:policy/AdministratorAccess"));
    }

    @Test
    void allowWithNotActionIsReportedAsAWildcard() {
        Map<String, Object> template = Map.of("Resources", Map.of("Loose", Map.of(
                "Type", "AWS::IAM::Policy",
                "Properties", Map.of("PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Effect", "Allow", "NotAction", "iam:*", "Resource", "arn:aws:s3:::b/*")))))));

        assertThat(TemplateInvariants.check(template)).extracting(Violation::rule).contains(Rule.WILDCARD_ACTION);
    }

    /** The construct ids of the resources a rule was reported at (CDK's logical ids start with them). */
    private static List<String> at(Rule rule) {
        return violations.stream()
                .filter(v -> v.rule() == rule)
                .map(v -> CONSTRUCTS.stream().filter(v.resource()::startsWith).findFirst().orElse(v.resource()))
                .toList();
    }

    private static final List<String> CONSTRUCTS = List.of("NakedQueue", "Consumer", "OpenBucket");
}
