package io.inlet.aws.s3;

import io.inlet.aws.emulator.S3Emulator;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.source.ObjectSourceContract;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** {@link S3ObjectSource} under the {@link ObjectSourceContract}: S3Proxy in this JVM, a bucket with versioning on. */
class S3ObjectSourceContractTest extends ObjectSourceContract {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    private static final String BUCKET = "contract-drop";

    @BeforeAll
    static void versionedBucket() {
        S3.createBucket(BUCKET);
        S3.client().putBucketVersioning(b -> b.bucket(BUCKET)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    }

    @Override
    protected ObjectSource source() {
        return new S3ObjectSource(S3.client());
    }

    @Override
    protected ObjectRef put(String key, byte[] bytes) {
        PutObjectResponse put = S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
        return new ObjectRef(BUCKET, key, put.versionId(), put.eTag(), (long) bytes.length);
    }

    @Override
    protected void delete(String key) {
        S3.client().deleteObject(b -> b.bucket(BUCKET).key(key));
    }

    @Override
    protected Versions versions() {
        return Versions.KEPT;
    }

    @Override
    protected Optional<String> missingBucket() {
        return Optional.of("no-such-bucket");
    }

    @Override
    protected ObjectRef unversioned(String key) {
        return new ObjectRef(BUCKET, key, null, null, null);
    }
}
