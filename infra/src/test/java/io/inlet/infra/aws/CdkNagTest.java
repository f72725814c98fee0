package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * cdk-nag's AwsSolutions pack as an Aspect over every stack variant, beside the invariant walkers
 * ({@link TemplateInvariants}): any finding that {@link InletNagPolicy} does not accept with a reason fails.
 */
class CdkNagTest {

    static Stream<Arguments> variants() {
        return Stream.concat(InletStackInvariantsTest.variants(), Stream.of(
                Arguments.of("new single-AZ RDS PostgreSQL, inbound queues, no alarm e-mail", Synth.settings()
                        .database(new DatabaseSpec.Created("t4g.micro", 20, false))
                        .inboundQueue(QueueSpec.standard("orders"))
                        .alarmEmail(null).build()),
                Arguments.of("partner claim-check buckets allow-listed on the queue consumer", Synth.settings()
                        .inboundQueue(QueueSpec.standard("orders"))
                        .claimCheckAllowedBucket("partner-large-a").claimCheckAllowedBucket("partner-large-b").build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyAwsSolutionsFindingIsFixedOrAcceptedWithAReason(String variant, InletSettings settings) {
        InletStack stack = Synth.stack(settings);

        assertThat(findings(stack)).as(variant).isEmpty();
    }

    /** Issue 14.6: on Lambda's newest Java runtime, AwsSolutions-L1 passes on its own: no function carries a suppression of it. */
    @Test
    void theLatestRuntimeRuleHoldsWithoutASuppression() {
        InletStack stack = Synth.stack(Synth.settings().build());

        assertThat(findings(stack)).isEmpty();
        String template = Template.fromStack(stack).toJSON().toString();
        assertThat(template).doesNotContain("AwsSolutions-L1");
    }

    @Test
    void aQueueWithoutTlsOrDeadLetterQueueIsReported() {
        InletStack stack = Synth.stack(Synth.settings().build());
        Queue.Builder.create(stack, "Careless").build();

        assertThat(findings(stack)).anyMatch(f -> f.startsWith("/InletTest/Careless/Resource AwsSolutions-SQS3"))
                .anyMatch(f -> f.startsWith("/InletTest/Careless/Resource AwsSolutions-SQS4"));
    }

    @Test
    void aWildcardGrantBeyondTheFeedPrefixesIsReportedDespiteTheAcceptedOnes() {
        InletStack stack = Synth.stack(Synth.settings().build());
        // the whole vendor bucket instead of a feed prefix: not one of the findings the stack accepts
        stack.relay().role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(stack.vendorBuckets().get("Vendors").arnForObjects("*")))
                .build());

        assertThat(findings(stack)).singleElement().asString()
                .startsWith("/InletTest/Relay/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<Vendors")
                .contains(".Arn>/*]");
    }

    /** Every unsuppressed AwsSolutions error or warning (including rules that could not be evaluated), as "path message". */
    static List<String> findings(InletStack stack) {
        Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).reports(false).build()));
        Annotations annotations = Annotations.fromStack(stack);
        return Stream.concat(
                        annotations.findError("*", Match.stringLikeRegexp(".*(AwsSolutions|CdkNag).*")).stream(),
                        annotations.findWarning("*", Match.stringLikeRegexp(".*(AwsSolutions|CdkNag).*")).stream())
                .map(m -> m.getId() + " " + m.getEntry().getData())
                .toList();
    }
}
