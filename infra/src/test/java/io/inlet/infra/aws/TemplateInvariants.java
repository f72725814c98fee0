package io.inlet.infra.aws;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks every resource of a synthesised CloudFormation template and reports each broken invariant.
 * The checks look at the template, not at our constructs, so they hold whoever adds a resource later.
 */
final class TemplateInvariants {

    enum Rule {
        QUEUE_WITHOUT_DEAD_LETTER_QUEUE,
        VISIBILITY_TIMEOUT_BELOW_SIX_TIMES_FUNCTION_TIMEOUT,
        MAPPING_WITHOUT_REPORT_BATCH_ITEM_FAILURES,
        MAPPING_WITHOUT_MAXIMUM_CONCURRENCY,
        WILDCARD_ACTION,
        WILDCARD_RESOURCE,
        UNJUSTIFIED_MANAGED_POLICY,
        BUCKET_WITHOUT_ENCRYPTION,
        BUCKET_WITHOUT_PUBLIC_ACCESS_BLOCK,
        BUCKET_WITHOUT_TLS_ONLY_POLICY,
        BUCKET_WITHOUT_VERSIONING,
        JAVA_FUNCTION_WITHOUT_SNAPSTART,
        FUNCTION_LOGS_WITHOUT_RETENTION
    }

    record Violation(Rule rule, String resource, String detail) {
        @Override
        public String toString() {
            return rule + " at " + resource + ": " + detail;
        }
    }

    /**
     * Actions that may be granted on "*", each with the reason: X-Ray's two writes only; every other
     * grant names its resource (CDK 2.263 even scopes its notifications handler to the bucket). An action that
     * truly has no resource-level permission goes here, with why, rather than silencing the rule.
     */
    static final Map<String, String> JUSTIFIED_STAR_RESOURCE = Map.of(
            "xray:PutTraceSegments", "Lambda active tracing: X-Ray's write actions have no resource-level permissions",
            "xray:PutTelemetryRecords", "Lambda active tracing: X-Ray's write actions have no resource-level permissions");

    /** AWS managed policies a role may carry, and why. */
    static final Map<String, String> JUSTIFIED_MANAGED_POLICIES = Map.of(
            "service-role/AWSLambdaVPCAccessExecutionRole", "ENI management for functions in a VPC has no resource-level permissions",
            "service-role/AWSLambdaBasicExecutionRole", "CDK's own custom resource handlers (not Inlet's functions, which write to one log group)");

    private final Map<String, Map<String, Object>> resources;
    private final List<Violation> violations = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private TemplateInvariants(Map<String, Object> template) {
        this.resources = (Map<String, Map<String, Object>>) (Map<String, ?>) template.getOrDefault("Resources", Map.of());
    }

    static List<Violation> check(Map<String, Object> template) {
        TemplateInvariants invariants = new TemplateInvariants(template);
        invariants.queues();
        invariants.mappings();
        invariants.policies();
        invariants.buckets();
        invariants.functions();
        return List.copyOf(invariants.violations);
    }

    private void queues() {
        Set<String> deadLetterTargets = deadLetterTargets();
        ofType("AWS::SQS::Queue").forEach((id, props) -> {
            if (!props.containsKey("RedrivePolicy") && !deadLetterTargets.contains(id)) {
                report(Rule.QUEUE_WITHOUT_DEAD_LETTER_QUEUE, id, "no RedrivePolicy, and no queue, invoke config or rule uses it as a DLQ");
            }
        });
    }

    /** Queues that serve as a dead-letter queue or failure destination for something in the template. */
    private Set<String> deadLetterTargets() {
        Set<String> targets = new HashSet<>();
        ofType("AWS::SQS::Queue").values().forEach(props -> {
            Object target = map(props.get("RedrivePolicy")).get("deadLetterTargetArn");
            addGetAttTarget(targets, target);
        });
        ofType("AWS::Lambda::EventInvokeConfig").values().forEach(props ->
                addGetAttTarget(targets, map(map(map(props.get("DestinationConfig")).get("OnFailure"))).get("Destination")));
        ofType("AWS::Events::Rule").values().forEach(props -> list(props.get("Targets")).forEach(target ->
                addGetAttTarget(targets, map(map(target).get("DeadLetterConfig")).get("Arn"))));
        return targets;
    }

    private void mappings() {
        ofType("AWS::Lambda::EventSourceMapping").forEach((id, props) -> {
            String queueId = getAttId(props.get("EventSourceArn"));
            boolean sqs = queueId != null ? "AWS::SQS::Queue".equals(typeOf(queueId))
                    : String.valueOf(props.get("EventSourceArn")).contains(":sqs:");
            if (!sqs) {
                return;
            }
            if (!list(props.get("FunctionResponseTypes")).contains("ReportBatchItemFailures")) {
                report(Rule.MAPPING_WITHOUT_REPORT_BATCH_ITEM_FAILURES, id, "FunctionResponseTypes " + props.get("FunctionResponseTypes"));
            }
            if (!map(props.get("ScalingConfig")).containsKey("MaximumConcurrency")) {
                report(Rule.MAPPING_WITHOUT_MAXIMUM_CONCURRENCY, id, "no ScalingConfig.MaximumConcurrency: the database takes every poller Lambda starts");
            }
            if (queueId == null) {
                return;
            }
            int functionTimeout = functionTimeout(props.get("FunctionName"));
            int visibility = number(properties(queueId).get("VisibilityTimeout"), 30);
            if (visibility < 6 * functionTimeout) {
                report(Rule.VISIBILITY_TIMEOUT_BELOW_SIX_TIMES_FUNCTION_TIMEOUT, queueId,
                        "VisibilityTimeout " + visibility + " s < 6 x " + functionTimeout + " s (mapping " + id + ")");
            }
        });
    }

    /**
     * Follows the references in a FunctionName (CDK writes a Fn::Join around the alias's Ref) through
     * Alias -> Version -> Function to the function's timeout.
     */
    private int functionTimeout(Object functionName) {
        List<String> ids = new ArrayList<>();
        collectRefs(functionName, ids);
        for (int hops = 0; !ids.isEmpty() && hops < 4; hops++) {
            String id = ids.get(0);
            Map<String, Object> props = properties(id);
            if ("AWS::Lambda::Function".equals(typeOf(id))) {
                return number(props.get("Timeout"), 3);
            }
            ids = new ArrayList<>();
            collectRefs(props.get("FunctionName"), ids);
        }
        throw new IllegalStateException("cannot resolve the function of an event source mapping from " + functionName);
    }

    /** Lambda resources referenced (Ref or GetAtt) anywhere inside an intrinsic expression. */
    private void collectRefs(Object value, List<String> out) {
        String id = refId(value);
        if (id != null && String.valueOf(typeOf(id)).startsWith("AWS::Lambda::")) {
            out.add(id);
            return;
        }
        if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> collectRefs(v, out));
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> collectRefs(v, out));
        }
    }

    private void policies() {
        resources.forEach((id, resource) -> {
            Map<String, Object> props = map(resource.get("Properties"));
            switch (String.valueOf(resource.get("Type"))) {
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy",
                     "AWS::S3::BucketPolicy" -> statements(id, props.get("PolicyDocument"));
                case "AWS::IAM::Role" -> {
                    list(props.get("Policies")).forEach(p -> statements(id, map(p).get("PolicyDocument")));
                    list(props.get("ManagedPolicyArns")).forEach(arn -> {
                        String text = String.valueOf(arn);
                        if (JUSTIFIED_MANAGED_POLICIES.keySet().stream().noneMatch(text::contains)) {
                            report(Rule.UNJUSTIFIED_MANAGED_POLICY, id, text);
                        }
                    });
                }
                default -> {
                }
            }
        });
    }

    private void statements(String id, Object document) {
        for (Object s : list(map(document).get("Statement"))) {
            Map<String, Object> statement = map(s);
            if (!"Allow".equals(statement.get("Effect"))) {
                continue; // a Deny may be broad: the TLS-only bucket policy denies s3:* to everyone
            }
            List<Object> actions = list(statement.get("Action"));
            if (statement.containsKey("NotAction")) {
                report(Rule.WILDCARD_ACTION, id, "Allow with NotAction " + statement.get("NotAction"));
            }
            actions.stream().map(String::valueOf).filter(action -> action.contains("*"))
                    .forEach(action -> report(Rule.WILDCARD_ACTION, id, "action " + action));
            if (list(statement.get("Resource")).contains("*")) {
                List<String> unjustified = actions.stream().map(String::valueOf)
                        .filter(action -> !JUSTIFIED_STAR_RESOURCE.containsKey(action)).toList();
                if (!unjustified.isEmpty()) {
                    report(Rule.WILDCARD_RESOURCE, id, "resource * for " + unjustified);
                }
            }
        }
    }

    private void buckets() {
        Set<String> tlsOnly = new HashSet<>();
        ofType("AWS::S3::BucketPolicy").values().forEach(props -> {
            String bucket = refId(props.get("Bucket"));
            for (Object s : list(map(props.get("PolicyDocument")).get("Statement"))) {
                Map<String, Object> statement = map(s);
                Object secure = map(map(statement.get("Condition")).get("Bool")).get("aws:SecureTransport");
                if ("Deny".equals(statement.get("Effect")) && "false".equals(String.valueOf(secure))) {
                    tlsOnly.add(bucket);
                }
            }
        });
        ofType("AWS::S3::Bucket").forEach((id, props) -> {
            if (list(map(props.get("BucketEncryption")).get("ServerSideEncryptionConfiguration")).isEmpty()) {
                report(Rule.BUCKET_WITHOUT_ENCRYPTION, id, "no BucketEncryption");
            }
            Map<String, Object> block = map(props.get("PublicAccessBlockConfiguration"));
            for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                if (!Boolean.TRUE.equals(block.get(flag))) {
                    report(Rule.BUCKET_WITHOUT_PUBLIC_ACCESS_BLOCK, id, flag + " is not true");
                }
            }
            if (!tlsOnly.contains(id)) {
                report(Rule.BUCKET_WITHOUT_TLS_ONLY_POLICY, id, "no bucket policy denying aws:SecureTransport=false");
            }
            if (!"Enabled".equals(map(props.get("VersioningConfiguration")).get("Status"))) {
                report(Rule.BUCKET_WITHOUT_VERSIONING, id, "VersioningConfiguration " + props.get("VersioningConfiguration"));
            }
        });
    }

    private void functions() {
        ofType("AWS::Lambda::Function").forEach((id, props) -> {
            if (!String.valueOf(props.get("Runtime")).startsWith("java")) {
                return; // CDK's own custom resource handlers (Python/Node) are not ours to tune
            }
            // the migration runs once per deployment: a snapshot would cost a checkpoint and save nothing
            if (!InletStack.MIGRATION_HANDLER.equals(props.get("Handler"))
                    && !"PublishedVersions".equals(map(props.get("SnapStart")).get("ApplyOn"))) {
                report(Rule.JAVA_FUNCTION_WITHOUT_SNAPSTART, id, "SnapStart " + props.get("SnapStart"));
            }
            String logGroup = refId(map(props.get("LoggingConfig")).get("LogGroup"));
            if (logGroup == null || !properties(logGroup).containsKey("RetentionInDays")) {
                report(Rule.FUNCTION_LOGS_WITHOUT_RETENTION, id, "LoggingConfig " + props.get("LoggingConfig"));
            }
        });
    }

    private Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        resources.forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                out.put(id, map(resource.get("Properties")));
            }
        });
        return out;
    }

    private String typeOf(String id) {
        Map<String, Object> resource = resources.get(id);
        return resource == null ? null : String.valueOf(resource.get("Type"));
    }

    private Map<String, Object> properties(String id) {
        Map<String, Object> resource = resources.get(id);
        return resource == null ? Map.of() : map(resource.get("Properties"));
    }

    private void report(Rule rule, String id, String detail) {
        violations.add(new Violation(rule, id, detail));
    }

    private static void addGetAttTarget(Set<String> targets, Object value) {
        String id = getAttId(value);
        if (id != null) {
            targets.add(id);
        }
    }

    private static String getAttId(Object value) {
        List<Object> getAtt = list(map(value).get("Fn::GetAtt"));
        return getAtt.isEmpty() ? null : String.valueOf(getAtt.get(0));
    }

    private static String refId(Object value) {
        Object ref = map(value).get("Ref");
        if (ref != null) {
            return String.valueOf(ref);
        }
        return getAttId(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        return List.of(value);
    }

    private static int number(Object value, int absent) {
        return value == null ? absent : ((Number) value).intValue();
    }
}
