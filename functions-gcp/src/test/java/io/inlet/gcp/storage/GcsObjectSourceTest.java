package io.inlet.gcp.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real google-cloud-storage client over google-cloud-nio's in-memory Storage (no GCS server can
 * run here). That fake has no generations, so generation handling is also proven at decoding level.
 */
class GcsObjectSourceTest {

    private Storage storage;
    private GcsObjectSource source;

    @BeforeEach
    void setUp() {
        storage = LocalStorageHelper.getOptions().getService();
        source = new GcsObjectSource(storage);
    }

    private byte[] put(String key, int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        storage.create(BlobInfo.newBuilder(BlobId.of("drop", key)).build(), bytes);
        return bytes;
    }

    @Test
    void streamsAnObjectLargerThanOneReadChunkByteForByte() throws Exception {
        byte[] bytes = put("big/orders.csv.gz", 5 * 1024 * 1024 + 17);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        MessageDigest actual = MessageDigest.getInstance("SHA-256");
        expected.update(bytes);
        long total = 0;
        try (InputStream in = source.open(new ObjectRef("drop", "big/orders.csv.gz", null, null, null), 0)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; total += n) actual.update(buf, 0, n);
        }
        assertThat(total).isEqualTo(bytes.length);
        assertThat(actual.digest()).isEqualTo(expected.digest());
    }

    @Test
    void rangedReadStartsAtTheRequestedByte() throws Exception {
        byte[] bytes = put("a/b.csv", 10_000);
        try (InputStream in = source.open(new ObjectRef("drop", "a/b.csv", null, null, null), 9_990)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 9_990, 10_000));
        }
    }

    @Test
    void missingObjectIsGone() {
        assertThatThrownBy(() -> source.open(new ObjectRef("drop", "never/there.csv", null, null, null), 0))
                .isInstanceOf(ObjectGoneException.class)
                .hasMessage("gs://drop/never/there.csv does not exist (deleted, or that generation replaced)");
    }

    @Test
    void aVersionedRefAsksForExactlyThatGeneration() {
        assertThat(GcsObjectSource.blobId(new ObjectRef("drop", "a/b.csv", "1737000000000001", null, null)))
                .isEqualTo(BlobId.of("drop", "a/b.csv", 1737000000000001L));
        assertThat(GcsObjectSource.blobId(new ObjectRef("drop", "a/b.csv", null, null, null)).getGeneration()).isNull();
    }
}
