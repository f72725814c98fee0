package io.inlet.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class ObjectSequencerTest {

    static final int TRIES = 20_000;

    /** S3's documented rule, written out: right pad the shorter with zeros, then compare lexicographically. */
    public static int s3Model(String a, String b) {
        int n = Math.max(a.length(), b.length());
        String pa = (a + "0".repeat(n - a.length())).toUpperCase(Locale.ROOT);
        String pb = (b + "0".repeat(n - b.length())).toUpperCase(Locale.ROOT);
        return Integer.signum(pa.compareTo(pb));
    }

    public static String randomHex(Random r) {
        int length = 1 + r.nextInt(24);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // zeros often, so that trailing and leading zeros and equal padded values occur
            char c = r.nextInt(3) == 0 ? '0' : "0123456789abcdefABCDEF".charAt(r.nextInt(22));
            s.append(c);
        }
        return s.toString();
    }

    @Test
    void s3SequencersCompareRightPaddedCaseInsensitively() {
        Random r = new Random(12);
        for (int i = 0; i < TRIES; i++) {
            String a = randomHex(r);
            String b = r.nextInt(4) == 0 ? a + "0".repeat(r.nextInt(3)) : randomHex(r);
            int actual = Integer.signum(ObjectSequencer.s3(a).compareTo(ObjectSequencer.s3(b)));
            assertThat(actual).as("compare %s with %s", a, b).isEqualTo(s3Model(a, b));
        }
    }

    @Test
    void aShorterS3SequencerCanBeTheNewer() {
        assertThat(ObjectSequencer.s3("0055AED6DCD90282")).isGreaterThan(ObjectSequencer.s3("0055AED6DCD90281E6"));
        assertThat(ObjectSequencer.s3("0055AED6DCD90281E")).isLessThan(ObjectSequencer.s3("0055AED6DCD90281E6"));
        assertThat(ObjectSequencer.s3("0a").sameOrder(ObjectSequencer.s3("0A00"))).isTrue();
    }

    @Test
    void gcsGenerationsCompareAsNumbers() {
        Random r = new Random(13);
        for (int i = 0; i < TRIES; i++) {
            long a = r.nextInt(3) == 0 ? r.nextInt(1000) : r.nextLong() & Long.MAX_VALUE;
            long b = r.nextInt(3) == 0 ? r.nextInt(1000) : r.nextLong() & Long.MAX_VALUE;
            String as = "0".repeat(r.nextInt(2)) + a;
            int actual = Integer.signum(ObjectSequencer.gcsGeneration(as).compareTo(ObjectSequencer.gcsGeneration(Long.toString(b))));
            assertThat(actual).as("compare %s with %s", as, b).isEqualTo(Integer.signum(Long.compare(a, b)));
        }
        assertThat(ObjectSequencer.gcsGeneration("9")).as("not as text").isLessThan(ObjectSequencer.gcsGeneration("10"));
    }

    @Test
    void tokensThatAreNotTheirStoresFormAreRefused() {
        assertThatThrownBy(() -> ObjectSequencer.s3("00G1")).hasMessageContaining("not hexadecimal");
        assertThatThrownBy(() -> ObjectSequencer.s3("0".repeat(129))).hasMessageContaining("1..128");
        assertThatThrownBy(() -> ObjectSequencer.gcsGeneration("-1")).hasMessageContaining("int64");
        assertThatThrownBy(() -> ObjectSequencer.gcsGeneration("9223372036854775808")).hasMessageContaining("int64");
        assertThat(ObjectSequencer.s3("")).isNull();
        assertThat(ObjectSequencer.gcsGeneration(null)).isNull();
    }
}
