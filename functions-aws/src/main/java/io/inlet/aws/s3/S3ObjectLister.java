package io.inlet.aws.s3;

import io.inlet.source.ListedObject;
import io.inlet.source.ObjectLister;
import io.inlet.source.ObjectRef;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectLister} on S3: ListObjectsV2, a page (up to {@code pageSize} keys) at a time. The
 * identity is the one an S3 notification carries: the ETag without its quotes, and, in a bucket
 * whose versioning is (or was) enabled, the version id, which a listing does not give: each listed
 * key is then read with a HeadObject, and that answer (version, ETag, size, time) is used whole, so a
 * version written between the list and the head is still one consistent identity.
 */
public final class S3ObjectLister implements ObjectLister {

    private final S3Client s3;
    private final int pageSize;

    public S3ObjectLister(S3Client s3) {
        this(s3, 1000);
    }

    public S3ObjectLister(S3Client s3, int pageSize) {
        if (pageSize < 1 || pageSize > 1000) throw new IllegalArgumentException("pageSize " + pageSize + " not in 1..1000");
        this.s3 = s3;
        this.pageSize = pageSize;
    }

    @Override
    public void list(String bucket, String prefix, Consumer<ListedObject> each) throws IOException {
        boolean versioned = versioned(bucket);
        String token = null;
        try {
            do {
                ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
                        .maxKeys(pageSize).continuationToken(token).build());
                for (S3Object o : page.contents()) {
                    if (o.key().endsWith("/") && o.size() != null && o.size() == 0) continue; // a console "folder"
                    if (versioned) {
                        stat(bucket, o.key(), null).ifPresent(each);
                    } else {
                        each.accept(new ListedObject(new ObjectRef(bucket, o.key(), null, etag(o.eTag()), o.size()),
                                o.lastModified()));
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw new IOException("listing s3://" + bucket + "/" + prefix + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ListedObject> stat(String bucket, String key, String version) throws IOException {
        try {
            HeadObjectResponse head = s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).versionId(version).build());
            String v = head.versionId() == null || head.versionId().isEmpty() || head.versionId().equals("null")
                    ? null : head.versionId();
            return Optional.of(new ListedObject(new ObjectRef(bucket, key, v, etag(head.eTag()), head.contentLength()),
                    head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 400 && version != null) return Optional.empty();
            throw new IOException("HEAD s3://" + bucket + "/" + key + (version == null ? "" : "?versionId=" + version)
                    + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("HEAD s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether the bucket keeps versions (enabled or suspended: old versions keep their ids). */
    private boolean versioned(String bucket) throws IOException {
        try {
            BucketVersioningStatus status = s3.getBucketVersioning(b -> b.bucket(bucket)).status();
            return status == BucketVersioningStatus.ENABLED || status == BucketVersioningStatus.SUSPENDED;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) throw new IOException("no such bucket: s3://" + bucket, e);
            if (e.statusCode() == 501) return false; // a store without versioning (some emulators)
            throw new IOException("reading the versioning of s3://" + bucket + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("reading the versioning of s3://" + bucket + " failed: " + e.getMessage(), e);
        }
    }

    /** The ETag as a notification spells it: without the quotes the HTTP header keeps. */
    static String etag(String quoted) {
        if (quoted == null || quoted.isEmpty()) return null;
        String s = quoted;
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1);
        return s.isEmpty() ? null : s;
    }
}
