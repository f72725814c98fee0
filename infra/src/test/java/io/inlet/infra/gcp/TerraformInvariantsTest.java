package io.inlet.infra.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.infra.gcp.TerraformInvariants.Rule;
import io.inlet.infra.gcp.TerraformInvariants.Violation;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves the Terraform checks bite: a deliberately broken configuration is reported breach by breach. */
class TerraformInvariantsTest {

    private static List<Violation> violations;

    @BeforeAll
    static void parseBrokenConfiguration() throws Exception {
        violations = TerraformInvariants.check(TerraformConfiguration.parse(fixture("gcp-broken")));
    }

    @Test
    void subscriptionWithoutDeadLetterOrRetryPolicyIsReportedAndMayExpire() {
        assertThat(at(Rule.SUBSCRIPTION_WITHOUT_DEAD_LETTER_POLICY)).containsExactly("google_pubsub_subscription.careless");
        assertThat(at(Rule.SUBSCRIPTION_WITHOUT_RETRY_POLICY)).containsExactly("google_pubsub_subscription.careless");
        assertThat(at(Rule.SUBSCRIPTION_CAN_EXPIRE)).containsExactly("google_pubsub_subscription.careless");
    }

    @Test
    void deadLetteringWithoutTheServiceAgentsGrantsIsReported() {
        assertThat(at(Rule.DEAD_LETTER_TOPIC_WITHOUT_PUBLISHER_GRANT)).containsExactly("google_pubsub_topic.events_dead_letter");
        assertThat(at(Rule.SUBSCRIPTION_WITHOUT_DEAD_LETTER_SUBSCRIBER_GRANT)).containsExactly("google_pubsub_subscription.ungranted");
    }

    @Test
    void bucketWithoutUniformAccessPublicAccessPreventionOrVersioningIsReported() {
        assertThat(at(Rule.BUCKET_WITHOUT_UNIFORM_ACCESS)).containsExactly("google_storage_bucket.open");
        assertThat(at(Rule.BUCKET_WITHOUT_ENFORCED_PUBLIC_ACCESS_PREVENTION)).containsExactly("google_storage_bucket.open");
        assertThat(at(Rule.BUCKET_WITHOUT_VERSIONING)).containsExactly("google_storage_bucket.open");
    }

    @Test
    void primitiveRoleAndPublicMemberAreReported() {
        assertThat(at(Rule.PRIMITIVE_ROLE)).containsExactly("google_project_iam_member.too_broad");
        assertThat(at(Rule.PUBLIC_MEMBER)).containsExactly("google_storage_bucket_iam_member.public");
    }

    @Test
    void unboundedFunctionWithAPlainPasswordIsReported() {
        assertThat(at(Rule.FUNCTION_WITHOUT_MAX_INSTANCES)).contains("google_cloudfunctions2_function.unbounded");
        assertThat(violations).filteredOn(v -> v.rule() == Rule.SECRET_IN_PLAIN_ENVIRONMENT).extracting(Violation::detail)
                .containsOnly("INLET_DATABASE_PASSWORD belongs in secret_environment_variables");
    }

    @Test
    void aFunctionDefinitionWithoutAnInstanceCapOrWithAPlainPasswordIsReportedOnTheSharedResource() {
        assertThat(at(Rule.FUNCTION_WITHOUT_MAX_INSTANCES)).contains("google_cloudfunctions2_function.function[\"careless\"]");
        assertThat(at(Rule.SECRET_IN_PLAIN_ENVIRONMENT)).containsExactlyInAnyOrder("google_cloudfunctions2_function.unbounded",
                "google_cloudfunctions2_function.function[\"careless\"]");
    }

    @Test
    void nothingElseIsReported() {
        assertThat(violations).hasSize(14);
    }

    private static List<String> at(Rule rule) {
        return violations.stream().filter(v -> v.rule() == rule).map(Violation::address).toList();
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(TerraformInvariantsTest.class.getClassLoader().getResource(name).toURI());
    }
}
