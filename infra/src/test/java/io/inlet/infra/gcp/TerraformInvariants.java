package io.inlet.infra.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.infra.gcp.TerraformConfiguration.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks every resource of the parsed Terraform and reports each broken invariant, the GCP mirror of
 * the AWS template checks: dead-lettering with the IAM it needs, retries, hardened buckets, bounded
 * functions, no primitive or public roles.
 */
final class TerraformInvariants {

    enum Rule {
        SUBSCRIPTION_WITHOUT_DEAD_LETTER_POLICY,
        SUBSCRIPTION_WITHOUT_RETRY_POLICY,
        SUBSCRIPTION_CAN_EXPIRE,
        DEAD_LETTER_TOPIC_WITHOUT_PUBLISHER_GRANT,
        SUBSCRIPTION_WITHOUT_DEAD_LETTER_SUBSCRIBER_GRANT,
        BUCKET_WITHOUT_UNIFORM_ACCESS,
        BUCKET_WITHOUT_ENFORCED_PUBLIC_ACCESS_PREVENTION,
        BUCKET_WITHOUT_VERSIONING,
        PRIMITIVE_ROLE,
        PUBLIC_MEMBER,
        FUNCTION_WITHOUT_MAX_INSTANCES,
        SECRET_IN_PLAIN_ENVIRONMENT
    }

    record Violation(Rule rule, String address, String detail) {
        @Override
        public String toString() {
            return rule + " at " + address + ": " + detail;
        }
    }

    static final Set<String> PRIMITIVE_ROLES = Set.of("roles/owner", "roles/editor", "roles/viewer");
    private static final Pattern TOPIC_REF = Pattern.compile("google_pubsub_topic\\.([A-Za-z0-9_-]+)");
    private static final Pattern SUBSCRIPTION_REF = Pattern.compile("google_pubsub_subscription\\.([A-Za-z0-9_-]+)");
    private static final Pattern LOCAL_REF = Pattern.compile("local\\.([A-Za-z0-9_]+)");
    private static final Pattern INLINE_KEY = Pattern.compile("([A-Z][A-Z0-9_]+)\\s*=");
    /** The Pub/Sub service agent as the module names it (local) and as the stream module receives it (var.settings). */
    private static final Pattern PUBSUB_AGENT = Pattern.compile("\\$\\{(local|var\\.settings)\\.pubsub_service_agent}");

    private final TerraformConfiguration config;
    private final List<Violation> violations = new ArrayList<>();

    private TerraformInvariants(TerraformConfiguration config) {
        this.config = config;
    }

    static List<Violation> check(TerraformConfiguration config) {
        TerraformInvariants invariants = new TerraformInvariants(config);
        invariants.subscriptions();
        invariants.buckets();
        invariants.roles();
        invariants.functions();
        return List.copyOf(invariants.violations);
    }

    private void subscriptions() {
        List<Resource> subscriptions = config.resources("google_pubsub_subscription");
        Set<String> deadLetterTopics = new HashSet<>();
        subscriptions.forEach(s -> {
            String topic = referenced(TOPIC_REF, s.block("dead_letter_policy").path("dead_letter_topic").asText(""));
            if (topic != null) {
                deadLetterTopics.add(topic);
            }
        });
        for (Resource subscription : subscriptions) {
            String topic = referenced(TOPIC_REF, subscription.text("topic"));
            boolean holdsDeadLetters = deadLetterTopics.contains(topic);
            JsonNode deadLetter = subscription.block("dead_letter_policy");
            if (deadLetter.isMissingNode() && !holdsDeadLetters) {
                report(Rule.SUBSCRIPTION_WITHOUT_DEAD_LETTER_POLICY, subscription.address(), "topic " + topic);
            }
            JsonNode retry = subscription.block("retry_policy");
            if (retry.path("minimum_backoff").isMissingNode() || retry.path("maximum_backoff").isMissingNode()) {
                report(Rule.SUBSCRIPTION_WITHOUT_RETRY_POLICY, subscription.address(), "retry_policy " + retry);
            }
            if (!"".equals(subscription.block("expiration_policy").path("ttl").asText(null))) {
                report(Rule.SUBSCRIPTION_CAN_EXPIRE, subscription.address(), "expiration_policy.ttl is not \"\" (default: 31 days idle)");
            }
            if (!deadLetter.isMissingNode()) {
                deadLetterGrants(subscription, referenced(TOPIC_REF, deadLetter.path("dead_letter_topic").asText("")));
            }
        }
    }

    /** Pub/Sub's service agent must publish to the dead-letter topic and subscribe to the source, over the same instances. */
    private void deadLetterGrants(Resource subscription, String deadLetterTopic) {
        boolean publisher = config.resources("google_pubsub_topic_iam_member").stream().anyMatch(grant ->
                Objects.equals(referenced(TOPIC_REF, grant.text("topic")), deadLetterTopic)
                        && "roles/pubsub.publisher".equals(grant.text("role"))
                        && PUBSUB_AGENT.matcher(grant.text("member")).find()
                        && sameInstances(grant, subscription));
        if (!publisher) {
            report(Rule.DEAD_LETTER_TOPIC_WITHOUT_PUBLISHER_GRANT, "google_pubsub_topic." + deadLetterTopic,
                    "no roles/pubsub.publisher for the Pub/Sub service agent over the instances of " + subscription.address());
        }
        boolean subscriber = config.resources("google_pubsub_subscription_iam_member").stream().anyMatch(grant ->
                Objects.equals(referenced(SUBSCRIPTION_REF, grant.text("subscription")), subscription.name())
                        && "roles/pubsub.subscriber".equals(grant.text("role"))
                        && PUBSUB_AGENT.matcher(grant.text("member")).find()
                        && sameInstances(grant, subscription));
        if (!subscriber) {
            report(Rule.SUBSCRIPTION_WITHOUT_DEAD_LETTER_SUBSCRIBER_GRANT, subscription.address(),
                    "no roles/pubsub.subscriber for the Pub/Sub service agent");
        }
    }

    /** A grant covers a subscription only if it is repeated the same way (same count / for_each). */
    private static boolean sameInstances(Resource grant, Resource subscription) {
        return Objects.equals(grant.text("count"), subscription.text("count"))
                && Objects.equals(grant.text("for_each"), subscription.text("for_each"));
    }

    private void buckets() {
        for (Resource bucket : config.resources("google_storage_bucket")) {
            if (!bucket.body().path("uniform_bucket_level_access").asBoolean(false)) {
                report(Rule.BUCKET_WITHOUT_UNIFORM_ACCESS, bucket.address(), "uniform_bucket_level_access is not true");
            }
            if (!"enforced".equals(bucket.text("public_access_prevention"))) {
                report(Rule.BUCKET_WITHOUT_ENFORCED_PUBLIC_ACCESS_PREVENTION, bucket.address(),
                        "public_access_prevention = " + bucket.text("public_access_prevention"));
            }
            if (!bucket.block("versioning").path("enabled").asBoolean(false)) {
                report(Rule.BUCKET_WITHOUT_VERSIONING, bucket.address(), "versioning.enabled is not true");
            }
        }
    }

    private void roles() {
        for (Resource resource : config.resources()) {
            for (String value : TerraformConfiguration.strings(resource.body())) {
                if (PRIMITIVE_ROLES.contains(value)) {
                    report(Rule.PRIMITIVE_ROLE, resource.address(), value);
                }
                if (value.equals("allUsers") || value.equals("allAuthenticatedUsers")) {
                    report(Rule.PUBLIC_MEMBER, resource.address(), value);
                }
            }
        }
    }

    private void functions() {
        for (Resource function : config.resources("google_cloudfunctions2_function")) {
            JsonNode service = function.block("service_config");
            if (service.path("max_instance_count").isMissingNode()) {
                report(Rule.FUNCTION_WITHOUT_MAX_INSTANCES, function.address(), "instances unbounded: the database takes every one");
            }
            if (service.path("environment_variables").asText("").contains("each.value.")) {
                // one resource for every function (functions.tf): each definition's values count
                config.functionDefinitions().forEach((key, definition) -> {
                    if (definition.path("max_instances").isMissingNode()) {
                        report(Rule.FUNCTION_WITHOUT_MAX_INSTANCES, function.address() + "[\"" + key + "\"]", "instances unbounded: the database takes every one");
                    }
                    plainPasswords(function.address() + "[\"" + key + "\"]", definition.path("environment"));
                });
            } else {
                plainPasswords(function.address(), service.path("environment_variables"));
            }
        }
    }

    private void plainPasswords(String address, JsonNode environment) {
        for (String name : environmentNames(environment)) {
            if (name.contains("PASSWORD")) {
                report(Rule.SECRET_IN_PLAIN_ENVIRONMENT, address, name + " belongs in secret_environment_variables");
            }
        }
    }

    /**
     * The variable names an environment_variables value sets: an object's keys, or, for an expression
     * such as {@code merge(local.function_environment, {...})}, the keys of the locals it names and any
     * names written inline.
     */
    private List<String> environmentNames(JsonNode environment) {
        List<String> names = new ArrayList<>();
        if (environment.isObject()) {
            environment.fieldNames().forEachRemaining(names::add);
        } else if (environment.isTextual()) {
            Matcher locals = LOCAL_REF.matcher(environment.asText());
            while (locals.find()) {
                config.locals().path(locals.group(1)).fieldNames().forEachRemaining(names::add);
            }
            Matcher inline = INLINE_KEY.matcher(environment.asText());
            while (inline.find()) {
                names.add(inline.group(1));
            }
        }
        return names;
    }

    private static String referenced(Pattern pattern, String expression) {
        if (expression == null) {
            return null;
        }
        Matcher matcher = pattern.matcher(expression);
        return matcher.find() ? matcher.group(1) : null;
    }

    private void report(Rule rule, String address, String detail) {
        violations.add(new Violation(rule, address, detail));
    }
}
