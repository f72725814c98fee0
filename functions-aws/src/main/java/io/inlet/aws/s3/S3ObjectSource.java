package io.inlet.aws.s3;

import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ObjectSource} on S3 (SDK v2). Streams the response body as it arrives; a read from byte
 * {@code n > 0} is a ranged GET ({@code Range: bytes=n-}), so an ingestion resumes at its checkpoint
 * without reading what it already committed. A set version id is always sent: exactly that version
 * is read, never whatever is newest now.
 */
public final class S3ObjectSource implements ObjectSource {

    private final S3Client s3;

    public S3ObjectSource(S3Client s3) {
        this.s3 = s3;
    }

    /** Lists the bucket with the identity its notifications carry (a marker-gated set's members). */
    @Override
    public java.util.Optional<io.inlet.source.ObjectLister> lister() {
        return java.util.Optional.of(new S3ObjectLister(s3));
    }

    /** PUTs into the bucket (receipts); one key, replaced on every write. */
    @Override
    public java.util.Optional<io.inlet.source.ObjectWriter> writer() {
        return java.util.Optional.of((bucket, key, contentType, content) -> {
            try {
                s3.putObject(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket(bucket).key(key)
                        .contentType(contentType).build(), software.amazon.awssdk.core.sync.RequestBody.fromFile(content));
            } catch (SdkException e) {
                throw new IOException("S3 PUT s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws IOException {
        if (fromByte < 0) throw new IllegalArgumentException("fromByte " + fromByte + " < 0 for " + ref.displayName());
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(ref.bucket()).key(ref.key());
        if (ref.version() != null) request.versionId(ref.version());
        if (fromByte > 0) request.range("bytes=" + fromByte + "-");
        try {
            return s3.getObject(request.build());
        } catch (NoSuchKeyException e) {
            throw new ObjectGoneException("no such object: s3://" + ref.displayName(), e);
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if ("NoSuchVersion".equals(code) || "NoSuchBucket".equals(code) || e.statusCode() == 404) {
                throw new ObjectGoneException("object gone (" + code + "): s3://" + ref.displayName(), e);
            }
            if (e.statusCode() == 416 && fromByte > 0) {
                // the checkpoint is at the very end of the object: nothing left to read
                return InputStream.nullInputStream();
            }
            throw new IOException("S3 GET s3://" + ref.displayName() + " from byte " + fromByte + " failed: "
                    + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 GET s3://" + ref.displayName() + " failed: " + e.getMessage(), e);
        }
    }
}
