package io.inlet.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.aws.emulator.S3Emulator;
import io.inlet.source.ListedObject;
import io.inlet.source.ObjectRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

class S3ObjectListerTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    /**
     * What S3's notification of a single-part PUT of {@code body} decodes to: the key, the version id, the
     * hex MD5 without quotes, the size (the decoding itself: BucketIngestTest in cli, through S3EventDecoder).
     */
    private static ObjectRef notified(String bucket, String key, String version, byte[] body) throws Exception {
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        return new ObjectRef(bucket, key, version, etag, (long) body.length);
    }

    @Test
    void theListingVisitsEveryObjectUnderThePrefixPageByPageWithItsNotificationIdentity() throws Exception {
        S3.createBucket("list-drop");
        List<String> keys = List.of("p/e.csv", "p/a.csv", "p/c.csv", "p/b.csv", "p/d.csv", "q/x.csv");
        for (String k : keys) S3.client().putObject(b -> b.bucket("list-drop").key(k), RequestBody.fromString(k));
        List<ListedObject> seen = new ArrayList<>();
        new S3ObjectLister(S3.client(), 2).list("list-drop", "p/", seen::add);
        assertThat(seen).extracting(o -> o.ref().key()).containsExactly("p/a.csv", "p/b.csv", "p/c.csv", "p/d.csv", "p/e.csv");
        assertThat(seen.get(0).ref()).isEqualTo(notified("list-drop", "p/a.csv", null, "p/a.csv".getBytes(StandardCharsets.UTF_8)));
        assertThat(new S3ObjectLister(S3.client()).stat("list-drop", "p/none.csv", null)).isEmpty();
    }

    @Test
    void inAVersionedBucketEachObjectIsItsNewestVersion() throws Exception {
        S3.createBucket("list-versioned");
        S3.client().putBucketVersioning(b -> b.bucket("list-versioned")
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = S3.client().putObject(b -> b.bucket("list-versioned").key("f.csv"), RequestBody.fromString("one")).versionId();
        String v2 = S3.client().putObject(b -> b.bucket("list-versioned").key("f.csv"), RequestBody.fromString("two")).versionId();
        List<ListedObject> seen = new ArrayList<>();
        new S3ObjectLister(S3.client()).list("list-versioned", "", seen::add);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).ref()).isEqualTo(notified("list-versioned", "f.csv", v2, "two".getBytes(StandardCharsets.UTF_8)));
        assertThat(new S3ObjectLister(S3.client()).stat("list-versioned", "f.csv", v1)).get().extracting(ListedObject::ref)
                .isEqualTo(notified("list-versioned", "f.csv", v1, "one".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEtagLosesItsQuotesAndNothingElse() throws IOException {
        assertThat(S3ObjectLister.etag("\"abc-2\"")).isEqualTo("abc-2");
        assertThat(S3ObjectLister.etag("abc")).isEqualTo("abc");
        assertThat(S3ObjectLister.etag("\"\"")).isNull();
        assertThat(S3ObjectLister.etag(null)).isNull();
    }
}
