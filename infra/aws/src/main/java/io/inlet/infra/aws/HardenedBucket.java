package io.inlet.infra.aws;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The one way Inlet makes a bucket: versioned, encrypted, public access blocked, ACLs disabled, and a
 * bucket policy that denies any request not made over TLS 1.2+. Kept in one place so that no bucket
 * of the stack can be made without them (the invariant tests check the template as well).
 */
final class HardenedBucket {

    private HardenedBucket() {
    }

    /** @param accessLogs where the bucket's server access logs go (under {@code id/}), or {@code null} for the log bucket itself */
    static Bucket create(Construct scope, String id, String bucketName, List<LifecycleRule> lifecycle, boolean eventBridge,
                         IBucket accessLogs) {
        return Bucket.Builder.create(scope, id)
                .bucketName(bucketName)
                // Versioning gives every write its own identity (key + versionId): one notification, one ingestion.
                .versioned(true)
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .eventBridgeEnabled(eventBridge)
                .lifecycleRules(lifecycle)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix(accessLogs == null ? null : id + "/")
                // Vendor files are the source of truth for replays: never deleted with the stack.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }
}
