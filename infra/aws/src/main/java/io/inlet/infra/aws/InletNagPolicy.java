package io.inlet.infra.aws;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.IConstruct;

/**
 * The cdk-nag (AwsSolutions) findings Inlet accepts, each on the one construct it concerns and with
 * the reason it is accepted. Everything else the pack reports fails {@code CdkNagTest}. The
 * suppressions travel in the template's metadata, so a pipeline that runs cdk-nag over this stack (or
 * {@code cdk synth -c nag=true}) sees the same answers. Grants that are wildcards are suppressed per
 * finding ({@code appliesTo}), never per rule: a new wildcard grant is a new finding.
 */
final class InletNagPolicy {

    static final String MANAGED_POLICY = "AwsSolutions-IAM4";
    static final String WILDCARD_PERMISSION = "AwsSolutions-IAM5";
    static final String NO_DEAD_LETTER_QUEUE = "AwsSolutions-SQS3";
    static final String ACCESS_LOGS = "AwsSolutions-S1";
    static final String DEFAULT_PORT = "AwsSolutions-RDS11";
    static final String SECRET_ROTATION = "AwsSolutions-SMG4";
    static final String MULTI_AZ = "AwsSolutions-RDS3";
    static final String VALIDATION_FAILURE = "CdkNagValidationFailure";

    static final String VPC_ACCESS_POLICY = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
    static final String BASIC_EXECUTION_POLICY = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    /** CDK's singleton function that writes bucket notification configurations (a fixed id in aws-cdk-lib). */
    static final String BUCKET_NOTIFICATIONS_HANDLER = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834";

    private InletNagPolicy() {
    }

    /** The functions run Lambda's newest Java runtime ({@link InletFunction#RUNTIME}): AwsSolutions-L1 holds with no suppression. */
    static void function(InletFunction fn, boolean inVpc) {
        if (inVpc) {
            suppress(fn.role(), MANAGED_POLICY, "AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for a function "
                    + "in a VPC: the ENI actions Lambda needs (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, "
                    + "DeleteNetworkInterface, ...) have no resource-level form, and an inline copy would be a '*' resource "
                    + "that drifts from AWS's list. TemplateInvariants allows this one managed policy and no other.",
                    List.of(VPC_ACCESS_POLICY));
        }
    }

    /** Lambda active tracing's writes to X-Ray ({@link InletObservability#activeTracing}). */
    static void xrayWrites(InletFunction fn) {
        suppress(fn.role(), WILDCARD_PERMISSION, "xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level "
                + "permissions (the X-Ray service authorization reference lists no resource type for them): active tracing "
                + "needs them on '*', as the Lambda-managed AWSXRayDaemonWriteAccess policy grants them. No other action is "
                + "granted on '*' (TemplateInvariants).", List.of("Resource::*"));
    }

    /**
     * Object grants under the feed prefixes, the receipts prefixes, the claim-check bucket and the
     * partner claim-check buckets: object keys are chosen by the vendor (under its prefix), derived from
     * the data key (receipts), generated per message (claim checks) or by the partner, so
     * {@code bucket/prefix*} is the narrowest resource S3 allows. Suppressed per resource string,
     * computed from the settings.
     */
    static void objectKeysUnderPrefixes(InletFunction fn, List<String> wildcardResources) {
        if (wildcardResources.isEmpty()) {
            return;
        }
        List<String> findings = wildcardResources.stream().map(resource -> "Resource::" + resource).toList();
        suppress(fn.role(), WILDCARD_PERMISSION, "Object keys under a feed prefix are written by the vendor, receipt keys "
                + "are the data file's key under the receipts prefix (the only place the functions may PutObject in a vendor "
                + "bucket), claim-check keys are generated per message (ours) or by the partner (an allow-listed partner "
                + "bucket, read only), so the grant names bucket/prefix* (the narrowest form S3 allows); the actions are "
                + "listed one by one (no wildcard action: TemplateInvariants).", findings);
    }

    /** The nag finding's form of a partner bucket's objects, {@code arn:<partition>:s3:::bucket/*}. */
    static String partnerObjectsArn(String bucket) {
        return "arn:<AWS::Partition>:s3:::" + bucket + "/*";
    }

    /** The nag finding's form of {@code bucket.arnForObjects(suffix)}: {@code <LogicalId.Arn>/suffix}. */
    static String objectsArn(Bucket bucket, String suffix) {
        String logicalId = Stack.of(bucket).getLogicalId((CfnElement) bucket.getNode().getDefaultChild());
        return "<" + logicalId + ".Arn>/" + suffix;
    }

    /** A queue that is itself where failed asynchronous invocations go (Lambda on-failure destination, EventBridge target DLQ). */
    static void failureQueue(IQueue queue) {
        suppress(queue, NO_DEAD_LETTER_QUEUE, "This queue is itself a dead-letter destination (Lambda's on-failure "
                + "destination or an EventBridge target's DLQ), which cdk-nag cannot see because no RedrivePolicy names it. "
                + "It has no consumer to fail, keeps messages 14 days and raises the DeadLetters alarm.");
    }

    /** The bucket that receives the other buckets' server access logs. */
    static void accessLogBucket(Bucket bucket) {
        suppress(bucket, ACCESS_LOGS, "This is the target of the other buckets' server access logs; logging it into "
                + "itself would log every log delivery, and into another bucket would only move the finding there.");
    }

    /** CDK's own bucket-notifications function, present when S3 notifies a queue or a function. */
    static void bucketNotificationsHandler(Stack stack) {
        IConstruct handler = stack.getNode().tryFindChild(BUCKET_NOTIFICATIONS_HANDLER);
        if (handler != null) {
            suppress(handler, MANAGED_POLICY, "CDK's built-in BucketNotificationsHandler (it writes the bucket's "
                    + "notification configuration at deploy time) comes with AWSLambdaBasicExecutionRole; its role is "
                    + "created by aws-cdk-lib and cannot be given another policy. It never runs at ingestion time.",
                    List.of(BASIC_EXECUTION_POLICY));
        }
    }

    /** The PostgreSQL instance, its master secret and its VPC that {@link DatabaseSpec.Created} builds. */
    static void createdDatabase(IConstruct instance, IConstruct secret, IConstruct vpc, boolean multiAz) {
        suppress(instance, DEFAULT_PORT, "Clients reach PostgreSQL only through RDS Proxy, whose endpoint always listens on "
                + "5432 for PostgreSQL; the instance sits in isolated subnets with no route to or from the internet and "
                + "admits only the proxy. A non-default instance port would hide nothing from a client inside the VPC.");
        if (!multiAz) {
            suppress(instance, MULTI_AZ, "database.create.multiAz is false in the settings: the operator chose a "
                    + "single-AZ instance (e.g. a staging stack). The default and the documented production value is true.");
        }
        suppress(secret, SECRET_ROTATION, "The functions read the password once at start-up and hold it in warm "
                + "instances and SnapStart snapshots; scheduled rotation would fail their new connections until the next "
                + "deploy. Rotation is an operator step followed by a deploy (docs/deploy.md, 'Rotating the database credentials').");
        suppress(vpc, VALIDATION_FAILURE, "AwsSolutions-EC23 cannot evaluate the interface endpoints' ingress rule because "
                + "its source is Fn::GetAtt Vpc.CidrBlock: the rule admits HTTPS from the VPC's own CIDR only (CDK's "
                + "interface endpoint default), never 0.0.0.0/0.", List.of("AwsSolutions-EC23"));
    }

    /** A role's generated login secret: its password is changed by a put-secret-value and the migration, not by a rotation Lambda. */
    static void loginSecret(IConstruct secret) {
        suppress(secret, SECRET_ROTATION, "The migration function sets the database user's password from this secret "
                + "(SchemaDeployment); a rotation Lambda changing the user's password behind it would leave the functions' "
                + "warm instances and SnapStart snapshots with the old one. Rotation is put-secret-value, invoking the "
                + "migration function, then a deploy (docs/deploy.md, 'Rotating the database credentials').");
    }

    /**
     * CDK's Trigger provider (a Node.js function of aws-cdk-lib) invokes the migration function at deploy
     * time: its role is CDK's, with the basic execution policy and {@code lambda:InvokeFunction} on the
     * migration function's versions ({@code arn:*}).
     */
    static void triggerProvider(Stack stack, software.amazon.awscdk.services.lambda.Function migration) {
        String versions = "Resource::<" + stack.getLogicalId((CfnElement) migration.getNode().getDefaultChild()) + ".Arn>:*";
        for (IConstruct child : stack.getNode().getChildren()) {
            if (child.getNode().getId().startsWith("AWSCDK.TriggerCustomResourceProvider")) {
                suppress(child, MANAGED_POLICY, "aws-cdk-lib's Trigger provider comes with AWSLambdaBasicExecutionRole; its "
                        + "role is created by aws-cdk-lib and runs only while a deployment invokes the migration.",
                        List.of(BASIC_EXECUTION_POLICY));
                suppress(child, WILDCARD_PERMISSION, "The Trigger provider may invoke any version of the migration "
                        + "function (functionArn:*): it invokes the version the deployment publishes, whose number is not "
                        + "known before it exists.", List.of(versions));
            }
        }
    }

    private static void suppress(IConstruct construct, String rule, String reason) {
        suppress(construct, rule, reason, null);
    }

    private static void suppress(IConstruct construct, String rule, String reason, List<String> appliesTo) {
        NagPackSuppression.Builder suppression = NagPackSuppression.builder().id(rule).reason(reason);
        if (appliesTo != null) {
            suppression.appliesTo(new ArrayList<>(appliesTo));
        }
        NagSuppressions.addResourceSuppressions(construct, List.of(suppression.build()), true);
    }
}
