package io.inlet.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link ObjectSource} contract as its Javadoc writes it, run against every implementation (as
 * gruelbox's {@code AbstractPersistorTest} runs against every database). A new implementation
 * subclasses this, says how to put, overwrite and delete an object in the store its source reads and
 * how that store keeps versions, and gets every test.
 *
 * <p>Each test writes under its own key prefix, so a subclass may share one store across tests.
 */
public abstract class ObjectSourceContract {

    /** How the store under test keeps the versions of a key. */
    protected enum Versions {
        /** An overwritten version stays readable by its version (S3 with versioning on, GCS with object versioning). */
        KEPT,
        /** An overwritten version is gone: reading it by its version is {@link ObjectGoneException} (GCS without object versioning). */
        REPLACED,
        /** The store has no versions (local files): refs carry none, and a read is of the bytes there now. */
        NONE
    }

    private static final AtomicInteger KEYS = new AtomicInteger();

    /** The source under test, reading the store that {@link #put} writes. */
    protected abstract ObjectSource source();

    /** Writes (creates or overwrites) the object and returns the ref an object notice would carry for the version written. */
    protected abstract ObjectRef put(String key, byte[] bytes) throws Exception;

    /** Deletes the object (its current version; in a versioned store, as a plain DELETE does). */
    protected abstract void delete(String key) throws Exception;

    protected abstract Versions versions();

    /** A bucket the store does not have; empty where a ref's bucket names no place (local files: one root). */
    protected abstract Optional<String> missingBucket();

    /** A ref to the key in the store's bucket that names no version (a notice without one, a plain path). */
    protected abstract ObjectRef unversioned(String key);

    @Test
    public void readsTheWholeObjectFromByteZero() throws Exception {
        byte[] bytes = random(10_000, 1);
        ObjectRef ref = put(key("whole.csv"), bytes);
        assertThat(read(ref, 0)).isEqualTo(bytes);
    }

    @Test
    public void readsFromAnyOffsetTheBytesFromThatOffsetOn() throws Exception {
        byte[] bytes = random(70_001, 2);
        ObjectRef ref = put(key("ranged.csv"), bytes);
        Random offsets = new Random(2);
        for (long from : new long[] {1, 8, 4096, 65_536, bytes.length - 1, offsets.nextInt(bytes.length),
                offsets.nextInt(bytes.length)}) {
            assertThat(read(ref, from)).as("from byte %d", from).isEqualTo(Arrays.copyOfRange(bytes, (int) from, bytes.length));
        }
    }

    @Test
    public void anOffsetAtOrPastTheEndReadsNothing() throws Exception {
        byte[] bytes = "id,name\n1,alpha\n".getBytes(StandardCharsets.UTF_8);
        ObjectRef ref = put(key("ended.csv"), bytes);
        assertThat(read(ref, bytes.length)).as("at the end").isEmpty();
        assertThat(read(ref, bytes.length + 1L)).as("one past the end").isEmpty();
        assertThat(read(ref, bytes.length + 1_000_000L)).as("far past the end").isEmpty();
    }

    @Test
    public void aNegativeOffsetIsRefused() throws Exception {
        ObjectRef ref = put(key("negative.csv"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> source().open(ref, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void anEmptyObjectReadsAsNoBytes() throws Exception {
        ObjectRef ref = put(key("empty.csv"), new byte[0]);
        assertThat(read(ref, 0)).isEmpty();
        assertThat(read(ref, 1)).isEmpty();
    }

    @Test
    public void aDeletedObjectIsGone() throws Exception {
        String key = key("deleted.csv");
        put(key, new byte[] {'x'});
        delete(key);
        assertThatThrownBy(() -> read(unversioned(key), 0)).isInstanceOf(ObjectGoneException.class);
        assertThatThrownBy(() -> read(unversioned(key), 1)).isInstanceOf(ObjectGoneException.class);
    }

    @Test
    public void aKeyNeverWrittenIsGone() {
        assertThatThrownBy(() -> read(unversioned(key("never.csv")), 0)).isInstanceOf(ObjectGoneException.class);
    }

    @Test
    public void aBucketThatDoesNotExistIsGone() {
        Optional<String> bucket = missingBucket();
        assumeThat(bucket).as("this store's refs name no place by their bucket").isPresent();
        ObjectRef ref = new ObjectRef(bucket.orElseThrow(), key("any.csv"), null, null, null);
        assertThatThrownBy(() -> read(ref, 0)).isInstanceOf(ObjectGoneException.class);
    }

    @Test
    public void aVersionedRefReadsThatVersionNeverANewerOne() throws Exception {
        String key = key("overwritten.csv");
        byte[] first = "first version\n".getBytes(StandardCharsets.UTF_8);
        byte[] second = "second, longer version\n".getBytes(StandardCharsets.UTF_8);
        ObjectRef v1 = put(key, first);
        ObjectRef v2 = put(key, second);
        switch (versions()) {
            case KEPT -> {
                assertThat(v1.version()).isNotNull().isNotEqualTo(v2.version());
                assertThat(read(v1, 0)).isEqualTo(first);
                assertThat(read(v1, 6)).isEqualTo(Arrays.copyOfRange(first, 6, first.length));
                assertThat(read(v2, 0)).isEqualTo(second);
            }
            case REPLACED -> {
                assertThat(v1.version()).isNotNull().isNotEqualTo(v2.version());
                assertThatThrownBy(() -> read(v1, 0)).isInstanceOf(ObjectGoneException.class);
                assertThatThrownBy(() -> read(v1, 6)).isInstanceOf(ObjectGoneException.class);
                assertThat(read(v2, 0)).isEqualTo(second);
            }
            case NONE -> {
                assertThat(v1.version()).isNull();
                assertThat(read(v1, 0)).isEqualTo(second);
            }
        }
        assertThat(read(unversioned(key), 0)).as("a ref without a version reads the newest").isEqualTo(second);
    }

    @ParameterizedTest(name = "key {0}")
    @ValueSource(strings = {
        "with space/orders east 1.csv",
        "unicode/caf\u00e9 \u65e5\u672c\u8a9e \u00fc\u00df \uD83D\uDE80.csv",
        "percent/100% done.csv",
        "percent/already%20encoded%2Fnot.csv",
        "plus/a+b+c.csv",
        "question/what?x=1&y=2.csv",
        "hash/order#1.csv",
        "mixed/!$&'()*,;=@[]~ `^{}|.csv"
    })
    public void keysWithCharactersThatNeedEncodingReadAsWritten(String name) throws Exception {
        byte[] bytes = ("id,key\n1," + name + "\n").getBytes(StandardCharsets.UTF_8);
        ObjectRef ref = put(key("") + name, bytes);
        assertThat(ref.key()).endsWith(name);
        assertThat(read(ref, 0)).isEqualTo(bytes);
        assertThat(read(ref, 3)).isEqualTo(Arrays.copyOfRange(bytes, 3, bytes.length));
        assertThat(read(unversioned(ref.key()), 0)).isEqualTo(bytes);
    }

    @Test
    public void aLargeObjectReadInRangesEqualsTheWhole() throws Exception {
        byte[] bytes = random(6 * 1024 * 1024 + 13, 3);
        ObjectRef ref = put(key("large.csv.gz"), bytes);
        assertThat(read(ref, 0)).isEqualTo(bytes);
        // resumes at checkpoints that fall anywhere: each range read from its offset, only as far as the next
        byte[] joined = new byte[bytes.length];
        int[] cuts = {0, 1, 777_777, 2 * 1024 * 1024, 5 * 1024 * 1024 + 1, bytes.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            try (InputStream in = source().open(ref, cuts[i])) {
                int n = in.readNBytes(joined, cuts[i], cuts[i + 1] - cuts[i]);
                assertThat(n).as("bytes from %d", cuts[i]).isEqualTo(cuts[i + 1] - cuts[i]);
            }
        }
        assertThat(joined).isEqualTo(bytes);
    }

    /** A fresh key under this test's own prefix. */
    protected static String key(String name) {
        return "contract-" + KEYS.incrementAndGet() + "/" + name;
    }

    /** Opens and reads to the end: a source may find an object gone when opening or when first reading. */
    protected byte[] read(ObjectRef ref, long fromByte) throws IOException {
        try (InputStream in = source().open(ref, fromByte)) {
            return in.readAllBytes();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
