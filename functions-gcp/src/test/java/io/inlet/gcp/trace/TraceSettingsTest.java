package io.inlet.gcp.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.trigger.SettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceSettingsTest {

    @Test
    void cloudTraceIsTheDefaultWhenAProjectIsSetAndOffWithoutOne() {
        assertThat(TraceSettings.fromEnvironment(Map.of("GOOGLE_CLOUD_PROJECT", "p1")))
                .isEqualTo(new TraceSettings(TraceSettings.Export.CLOUD_TRACE, "p1", TraceSettings.DEFAULT_SAMPLE_RATIO));
        assertThat(TraceSettings.fromEnvironment(Map.of()).export()).isEqualTo(TraceSettings.Export.OFF);
        assertThat(TraceSettings.fromEnvironment(Map.of("INLET_TRACING", " Cloud-Trace ", "INLET_GCP_PROJECT", "p2",
                "INLET_TRACE_SAMPLE_RATIO", "0.25"))).isEqualTo(new TraceSettings(TraceSettings.Export.CLOUD_TRACE, "p2", 0.25));
        assertThat(TraceSettings.fromEnvironment(Map.of("INLET_TRACING", "off", "GOOGLE_CLOUD_PROJECT", "p1")).export())
                .isEqualTo(TraceSettings.Export.OFF);
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "xray", "cloudtrace", "true"})
    void anUnknownExportFailsNamingTheVariable(String value) {
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("INLET_TRACING", value, "GOOGLE_CLOUD_PROJECT", "p")))
                .isInstanceOf(SettingException.class).hasMessageContaining("INLET_TRACING").hasMessageContaining(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.1", "1.01", "NaN", "Infinity", "half"})
    void aRatioOutside0To1FailsNamingTheVariable(String value) {
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("GOOGLE_CLOUD_PROJECT", "p", "INLET_TRACE_SAMPLE_RATIO", value)))
                .isInstanceOf(SettingException.class).hasMessageContaining("INLET_TRACE_SAMPLE_RATIO");
    }

    @Test
    void cloudTraceWithoutAProjectFails() {
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("INLET_TRACING", "cloud-trace")))
                .isInstanceOf(SettingException.class).hasMessageContaining("GOOGLE_CLOUD_PROJECT");
    }
}
