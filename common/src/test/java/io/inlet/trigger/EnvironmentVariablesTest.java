package io.inlet.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.ingest.FileIngester;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentVariablesTest {

    @Test
    void blankIsUnsetAndValuesAreTrimmed() {
        EnvironmentVariables env = new EnvironmentVariables(Map.of("A", "  ", "B", " b "));
        assertThat(env.optional("A")).isNull();
        assertThat(env.optional("B")).isEqualTo("b");
        assertThatThrownBy(() -> env.required("A", "what it is for")).isInstanceOf(SettingException.class)
                .hasMessage("A is not set: what it is for");
    }

    @Test
    void maxFailedAttemptsDefaultsToTheCoresAndIsBounded() {
        assertThat(new EnvironmentVariables(Map.of()).maxFailedAttempts()).isEqualTo(FileIngester.DEFAULT_MAX_FAILED_ATTEMPTS);
        assertThat(new EnvironmentVariables(Map.of("INLET_MAX_FAILED_ATTEMPTS", "12")).maxFailedAttempts()).isEqualTo(12);
        for (String wrong : new String[] {"0", "1001", "five", "2.5"}) {
            assertThatThrownBy(() -> new EnvironmentVariables(Map.of("INLET_MAX_FAILED_ATTEMPTS", wrong)).maxFailedAttempts())
                    .isInstanceOfSatisfying(SettingException.class, e -> assertThat(e.variable()).isEqualTo("INLET_MAX_FAILED_ATTEMPTS"));
        }
    }

    @Test
    void pairsKeepTheirOrderAndRefuseAnEntryWithoutNameOrValueOrANameTwice() {
        assertThat(new EnvironmentVariables(Map.of("D", "a=1, b=2")).pairs("D", "name=x")).containsExactly(
                Map.entry("a", "1"), Map.entry("b", "2"));
        for (String wrong : new String[] {"=1", "a=", "a=1,a=2", "a"}) {
            assertThatThrownBy(() -> new EnvironmentVariables(Map.of("D", wrong)).pairs("D", "name=x"))
                    .isInstanceOf(SettingException.class).hasMessageStartingWith("D ");
        }
        assertThat(new EnvironmentVariables(Map.of("M", "250")).millis("M", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> new EnvironmentVariables(Map.of("M", "-1")).millis("M", Duration.ZERO))
                .hasMessage("M must not be negative (was -1)");
    }

    @Test
    void aFeedsLocationNamesINLET_FEEDSWhenItCannotBeRead(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> new FeedsLocation("gs://bucket-only")).isInstanceOf(SettingException.class)
                .hasMessage("INLET_FEEDS 'gs://bucket-only' is not gs://bucket/key");
        assertThatThrownBy(() -> new FeedsLocation("s3://b/feeds.yaml").load(null))
                .hasMessage("INLET_FEEDS 's3://b/feeds.yaml': this function cannot read s3:// objects");
        BucketReader failing = new BucketReader() {
            public String scheme() {
                return "gs";
            }

            public byte[] read(String bucket, String key) {
                throw new IllegalStateException("404 " + bucket + "/" + key);
            }
        };
        assertThatThrownBy(() -> new FeedsLocation("gs://b/f.yaml").load(failing))
                .hasMessage("INLET_FEEDS 'gs://b/f.yaml' could not be read: 404 b/f.yaml");
        assertThatThrownBy(() -> new FeedsLocation("classpath:nope.yaml").load(null))
                .hasMessage("INLET_FEEDS resource 'nope.yaml' is not in the package");
        assertThatThrownBy(() -> new FeedsLocation(dir.resolve("none.yaml").toString()).load(null))
                .isInstanceOf(SettingException.class);
        Path feeds = Files.copy(io.inlet.testing.Samples.files().resolveSibling("feeds.yaml"), dir.resolve("feeds.yaml"));
        int expected = io.inlet.testing.Samples.feeds().feeds().size();
        BucketReader fromDisk = new BucketReader() {
            public String scheme() {
                return "gs";
            }

            public byte[] read(String bucket, String key) {
                try {
                    return Files.readAllBytes(dir.resolve(key));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        assertThat(new FeedsLocation("gs://b/feeds.yaml").load(fromDisk).feeds()).hasSize(expected);
        assertThat(new FeedsLocation(feeds.toString()).load(null).feeds()).hasSize(expected);
    }

    @Test
    void relayWakeSettingsDefaultAndABadValueNamesItsVariable() {
        assertThat(new EnvironmentVariables(Map.of()).relayWake()).isEqualTo(io.inlet.outbox.RelayWakeSettings.DEFAULTS);
        assertThat(new EnvironmentVariables(Map.of("INLET_RELAY_WAKE_WINDOW_MS", "250")).relayWake().window())
                .isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(io.inlet.outbox.RelayWakeSettings.DEFAULTS.linger()).isEqualTo(java.time.Duration.ofMillis(1_100));
        assertThatThrownBy(() -> new EnvironmentVariables(Map.of("INLET_RELAY_WAKE_POLL_MS", "soon")).relayWake())
                .isInstanceOf(SettingException.class).hasMessageStartingWith("INLET_RELAY_WAKE_POLL_MS");
        assertThatThrownBy(() -> new EnvironmentVariables(Map.of("INLET_RELAY_WAKE_WINDOW_MS", "5")).relayWake())
                .isInstanceOf(SettingException.class).hasMessage("INLET_RELAY_WAKE_WINDOW_MS must be 10..60000 (was 5)");
    }
}
