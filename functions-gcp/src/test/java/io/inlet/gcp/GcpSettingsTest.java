package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.pubsub.v1.TopicName;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GcpSettingsTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", "classpath:feeds.yaml");
        env.put("INLET_DATABASE_URL", "jdbc:postgresql://10.0.0.3:5432/inlet");
        return env;
    }

    @Test
    void readsEveryVariable() {
        Map<String, String> env = minimal();
        env.put("INLET_DATABASE_USER", "inlet_writer");
        env.put("INLET_DATABASE_PASSWORD", "from-secret-manager");
        env.put("INLET_DESTINATIONS", "orders=projects/p1/topics/orders-out, audit=projects/p1/topics/audit");
        env.put("INLET_ORDERED_DESTINATIONS", "orders");
        env.put("INLET_CHANNEL", "orders-in");
        env.put("PUBSUB_EMULATOR_HOST", "127.0.0.1:8085");
        env.put("INLET_TIMEOUT_SECONDS", "540");

        assertThat(GcpSettings.fromEnvironment(env)).isEqualTo(new GcpSettings("classpath:feeds.yaml",
                "jdbc:postgresql://10.0.0.3:5432/inlet", "inlet_writer", "from-secret-manager",
                Map.of("orders", TopicName.of("p1", "orders-out"), "audit", TopicName.of("p1", "audit")),
                Set.of("orders"), "orders-in", "127.0.0.1:8085", Duration.ofSeconds(540)));
    }

    @Test
    void defaultsWhenOptionalVariablesAreAbsent() {
        GcpSettings s = GcpSettings.fromEnvironment(minimal());
        assertThat(s.destinations()).isEmpty();
        assertThat(s.channel()).isNull();
        assertThat(s.emulatorHost()).isNull();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    private static void failsNaming(Map<String, String> env, String variable, String message) {
        assertThatThrownBy(() -> GcpSettings.fromEnvironment(env))
                .isInstanceOf(io.inlet.trigger.SettingException.class)
                .hasMessage(message)
                .extracting(e -> ((io.inlet.trigger.SettingException) e).variable()).isEqualTo(variable);
    }

    @Test
    void missingOrMalformedVariablesFailNamingTheVariable() {
        Map<String, String> env = minimal();
        env.remove("INLET_DATABASE_URL");
        failsNaming(env, "INLET_DATABASE_URL",
                "INLET_DATABASE_URL is not set: the PostgreSQL JDBC URL, e.g. jdbc:postgresql://10.0.0.3:5432/inlet");

        env = minimal();
        env.put("INLET_DATABASE_URL", "postgres://host/db?password=secret");
        failsNaming(env, "INLET_DATABASE_URL", "INLET_DATABASE_URL must start with jdbc:postgresql: (was 'postgres://host/db')");

        env = minimal();
        env.put("INLET_FEEDS", "gs://bucket-only");
        failsNaming(env, "INLET_FEEDS", "INLET_FEEDS 'gs://bucket-only' is not gs://bucket/key");

        env = minimal();
        env.put("INLET_DESTINATIONS", "orders=orders-out");
        failsNaming(env, "INLET_DESTINATIONS", "INLET_DESTINATIONS topic of 'orders' is not projects/P/topics/T: 'orders-out'");

        env = minimal();
        env.put("INLET_DESTINATIONS", "orders=projects/p/topics/o");
        env.put("INLET_ORDERED_DESTINATIONS", "payments");
        failsNaming(env, "INLET_ORDERED_DESTINATIONS",
                "INLET_ORDERED_DESTINATIONS names 'payments', which INLET_DESTINATIONS does not define");

        env = minimal();
        env.put("INLET_TIMEOUT_SECONDS", "1m");
        failsNaming(env, "INLET_TIMEOUT_SECONDS", "INLET_TIMEOUT_SECONDS '1m' is not a whole number (1..3600)");

        env = minimal();
        env.put("PUBSUB_EMULATOR_HOST", "http://localhost:8085");
        failsNaming(env, "PUBSUB_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST must be host:port (was 'http://localhost:8085')");
    }
}
