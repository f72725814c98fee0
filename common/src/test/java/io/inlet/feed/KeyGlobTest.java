package io.inlet.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Key globs are matched by an automaton whose work is bounded by key length times pattern length,
 * with the meaning the backtracking regular expressions had; keys longer than a bucket allows are refused.
 */
class KeyGlobTest {

    /** The translation every key was matched with before: the reference the new matcher must agree with. */
    static Pattern oldRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    // no line terminators: there the regex's '.' differed from the documented meaning on purpose fixed below
    private static final String PATTERN_ALPHABET = "ab/.*?*é";
    private static final String KEY_ALPHABET = "ab/.é*?";

    private static String draw(Random random, String alphabet, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sb.toString();
    }

    @Test
    void answersEqualTheOldRegexOnRandomPatternsAndKeys() {
        long seed = Long.getLong("inlet.globSeed", 20261206L);
        Random random = new Random(seed);
        for (int run = 0; run < 200_000; run++) {
            String pattern = draw(random, PATTERN_ALPHABET, 8).replace("***", "**");
            String key = draw(random, KEY_ALPHABET, 10);
            boolean expected = oldRegex(pattern).matcher(key).matches();
            assertThat(KeyGlob.compile(pattern).matches(key))
                    .as("seed %d run %d: pattern '%s' key '%s'", seed, run, pattern, key).isEqualTo(expected);
        }
    }

    @Test
    void oneQuestionMarkTakesOneCharacterEvenOutsideTheBasicPlane() {
        assertThat(KeyGlob.compile("a/?.csv").matches("a/\uD83D\uDE00.csv")).isTrue();
        assertThat(oldRegex("a/?.csv").matcher("a/\uD83D\uDE00.csv").matches()).isTrue();
        assertThat(KeyGlob.compile("a/??.csv").matches("a/\uD83D\uDE00.csv")).isFalse();
        assertThat(KeyGlob.compile("a/\uD83D\uDE00*").matches("a/\uD83D\uDE00x")).isTrue();
    }

    @Test
    void aDoubleStarCrossesLineBreaksInKeysAsTheDocsSay() {
        // the regex's '.' stopped at line terminators, so such a key matched no feed; S3 allows them in keys
        assertThat(KeyGlob.compile("acme/**").matches("acme/a\nb.csv")).isTrue();
        assertThat(KeyGlob.compile("acme/*.csv").matches("acme/a\nb.csv")).isTrue();
    }

    @Test
    void adversarialPatternsFinishInStepsBoundedByKeyTimesPattern() {
        String[] patterns = {"**a**a**a**a**a**a**a**a**.csv", "*a*a*a*a*a*a*a*a*a*a*b", "**/**/**/**/**/**/**/**/x",
                "?*?*?*?*?*?*?*?*?*?*?*?*?*z", "a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b"};
        String[] keys = {"a".repeat(60), "a".repeat(1024), "a/".repeat(512), "aaaa/".repeat(204) + "a"};
        for (String pattern : patterns) {
            KeyGlob glob = KeyGlob.compile(pattern);
            for (String key : keys) {
                long bound = (long) (key.length() + 1) * (glob.size() + 1);
                KeyGlob.Run run = glob.run(key);
                assertThat(run.matched()).as(pattern + " against " + key.length() + " characters").isFalse();
                assertThat(run.steps()).as(pattern + " against " + key.length() + " characters").isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void keysLongerThanABucketAllowsMatchNoFeedAndAreNamedTooLong() {
        String key = "acme/" + "x".repeat(1020);
        assertThat(key.getBytes(StandardCharsets.UTF_8)).hasSize(1025);
        ObjectMatch match = new ObjectMatch("vendor-drop", "acme/**");
        assertThat(match.matches("vendor-drop", key)).isFalse();
        assertThat(match.matches("vendor-drop", key.substring(0, key.length() - 1))).isTrue();
        // bytes, not characters: 342 three-byte characters are 1026 bytes
        String wide = "acme/" + "\u20AC".repeat(340);
        assertThat(wide.length()).isLessThan(1024);
        assertThat(match.matches("vendor-drop", wide)).isFalse();
        assertThat(ObjectKeys.tooLong(wide)).contains("key is 1025 bytes in UTF-8; S3 and GCS allow at most 1024");
        assertThat(ObjectKeys.tooLong("acme/a.csv")).isEmpty();
    }

    @Test
    void aFeedsFileRefusesAKeyPatternNoKeyCouldMatchForLength() {
        String yaml = FeedsFileErrorsTest.VALID.replace("acme/orders/**", "acme/" + "x".repeat(1100) + "/**");
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .isInstanceOf(FeedConfigException.class)
                .hasMessageContaining("feed 'acme-orders': key_pattern")
                .hasMessageContaining("1024");
    }
}
