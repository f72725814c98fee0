package io.inlet.aws.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.trigger.SettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceSettingsTest {

    @Test
    void byDefaultSpansGoToTheDaemonLambdaNames() {
        TraceSettings s = TraceSettings.fromEnvironment(Map.of("AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000"));
        assertThat(s).isEqualTo(new TraceSettings(TraceSettings.Export.XRAY, "169.254.79.129", 2000, TraceSettings.DEFAULT_SAMPLE_RATIO));
        assertThat(TraceSettings.fromEnvironment(Map.of()))
                .isEqualTo(new TraceSettings(TraceSettings.Export.XRAY, "127.0.0.1", 2000, TraceSettings.DEFAULT_SAMPLE_RATIO));
    }

    @Test
    void theXRaySdksTwoAddressFormTakesTheUdpOne() {
        TraceSettings s = TraceSettings.fromEnvironment(Map.of("AWS_XRAY_DAEMON_ADDRESS", "tcp:10.0.0.1:2001 udp:10.0.0.2:2002"));
        assertThat(s.daemonHost()).isEqualTo("10.0.0.2");
        assertThat(s.daemonPort()).isEqualTo(2002);
    }

    @Test
    void offAndXrayAreTheOnlyValues() {
        assertThat(TraceSettings.fromEnvironment(Map.of("INLET_TRACING", " OFF ")).export()).isEqualTo(TraceSettings.Export.OFF);
        assertThat(TraceSettings.fromEnvironment(Map.of("INLET_TRACING", "xray")).export()).isEqualTo(TraceSettings.Export.XRAY);
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("INLET_TRACING", "otlp")))
                .isInstanceOf(SettingException.class).hasMessage("INLET_TRACING must be xray or off (was 'otlp')");
    }

    @Test
    void aWrongAddressOrRatioFailsStartUpNamingItsVariable() {
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("AWS_XRAY_DAEMON_ADDRESS", "localhost")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("AWS_XRAY_DAEMON_ADDRESS must be host:port");
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("AWS_XRAY_DAEMON_ADDRESS", "localhost:x")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("AWS_XRAY_DAEMON_ADDRESS");
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("AWS_XRAY_DAEMON_ADDRESS", "localhost:70000")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("AWS_XRAY_DAEMON_ADDRESS port");
        assertThatThrownBy(() -> TraceSettings.fromEnvironment(Map.of("INLET_TRACE_SAMPLE_RATIO", "2")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("INLET_TRACE_SAMPLE_RATIO");
    }
}
