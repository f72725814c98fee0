package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeepAliveConnectionsTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty("http.maxConnections");
        System.clearProperty("http.maxConnections");
    }

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty("http.maxConnections");
        else System.setProperty("http.maxConnections", before);
    }

    @Test
    void aSendConcurrencyAboveTheJdkDefaultRaisesTheIdleConnectionsKept() {
        FunctionEnvironment.keepAliveConnectionsFor(8);
        assertThat(System.getProperty("http.maxConnections")).isEqualTo("8");
    }

    @Test
    void aSendConcurrencyWithinTheJdkDefaultLeavesItAlone() {
        FunctionEnvironment.keepAliveConnectionsFor(5);
        assertThat(System.getProperty("http.maxConnections")).isNull();
    }

    @Test
    void anExplicitSettingWins() {
        System.setProperty("http.maxConnections", "3");
        FunctionEnvironment.keepAliveConnectionsFor(16);
        assertThat(System.getProperty("http.maxConnections")).isEqualTo("3");
    }
}
