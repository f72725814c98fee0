package io.inlet.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.aws.emulator.S3Emulator;
import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

class S3ObjectSourceTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    private static final String BUCKET = "vendor-drop";
    private static final String CSV = "id,name\n1,alpha\n2,beta\n";

    private final S3ObjectSource source = new S3ObjectSource(S3.client());

    @BeforeAll
    static void bucket() {
        S3.createBucket(BUCKET);
        S3.client().putObject(b -> b.bucket(BUCKET).key("acme/orders east+1.csv"), RequestBody.fromString(CSV));
    }

    @Test
    void readsTheWholeObjectFromByteZero() throws IOException {
        assertThat(read(new ObjectRef(BUCKET, "acme/orders east+1.csv", null, null, null), 0)).isEqualTo(CSV);
    }

    @Test
    void readsFromAByteOffsetWithARangedGet() throws IOException {
        assertThat(read(new ObjectRef(BUCKET, "acme/orders east+1.csv", null, null, null), 8))
                .isEqualTo("1,alpha\n2,beta\n");
    }

    @Test
    void offsetAtTheEndReadsNothing() throws IOException {
        assertThat(read(new ObjectRef(BUCKET, "acme/orders east+1.csv", null, null, null), CSV.length())).isEmpty();
    }

    @Test
    void missingKeyIsObjectGone() {
        assertThatThrownBy(() -> source.open(new ObjectRef(BUCKET, "acme/nope.csv", null, null, null), 0))
                .isInstanceOf(ObjectGoneException.class)
                .hasMessage("no such object: s3://vendor-drop/acme/nope.csv");
    }

    @Test
    void missingBucketIsObjectGone() {
        assertThatThrownBy(() -> source.open(new ObjectRef("no-such-bucket", "k", null, null, null), 0))
                .isInstanceOf(ObjectGoneException.class);
    }

    @Test
    void aVersionedRefReadsExactlyThatVersionNotTheNewest() throws IOException {
        String bucket = "versioned-drop";
        S3.createBucket(bucket);
        S3.client().putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = S3.client().putObject(b -> b.bucket(bucket).key("f.csv"), RequestBody.fromString("first\n"))
                .versionId();
        String v2 = S3.client().putObject(b -> b.bucket(bucket).key("f.csv"), RequestBody.fromString("second\n"))
                .versionId();
        assertThat(v1).isNotNull().isNotEqualTo(v2);
        assertThat(read(new ObjectRef(bucket, "f.csv", v1, null, null), 0)).isEqualTo("first\n");
        assertThat(read(new ObjectRef(bucket, "f.csv", v2, null, null), 2)).isEqualTo("cond\n");
    }

    private String read(ObjectRef ref, long from) throws IOException {
        try (InputStream in = source.open(ref, from)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
