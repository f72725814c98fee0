package io.inlet.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.outbox.RelayReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each export sees: a counter's increase, a gauge when it says something. */
class MeterDeltasTest {

    @Test
    void aCounterReportsItsIncreaseSinceTheLastDrainAndNothingWhenItDidNothing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InletMetrics metrics = new InletMetrics(registry);
        MeterDeltas deltas = new MeterDeltas(registry);

        metrics.relay(new RelayReport(5, 0, 1, 0, 0.0));
        assertThat(values(deltas.drain())).containsEntry("RelayPublished", 5.0);
        metrics.relay(new RelayReport(2, 0, 1, 0, 0.0));
        assertThat(values(deltas.drain())).containsEntry("RelayPublished", 2.0);
        assertThat(deltas.drain()).isEmpty();
    }

    @Test
    void aGaugeIsReportedWhileNotZeroAndOnceWhenItFallsBackToZeroButNeverWhenItWasAlwaysZero() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InletMetrics metrics = new InletMetrics(registry);
        MeterDeltas deltas = new MeterDeltas(registry);

        assertThat(deltas.drain()).isEmpty(); // the gauges exist, at zero: an ingest function says nothing about the outbox
        metrics.outbox(3, 42.5, 1);
        assertThat(values(deltas.drain())).containsEntry("OutboxPending", 3.0).containsEntry("OutboxLagSeconds", 42.5)
                .containsEntry("OutboxBlocked", 1.0);
        assertThat(values(deltas.drain())).containsEntry("OutboxBlocked", 1.0); // still blocked: still reported, the alarm keeps firing
        metrics.outbox(0, 0, 0);
        assertThat(values(deltas.drain())).containsEntry("OutboxBlocked", 0.0).containsEntry("OutboxLagSeconds", 0.0);
        assertThat(deltas.drain()).isEmpty();
    }

    @Test
    void namesFollowTheMicrometerNameAndBaseUnit() {
        assertThat(new MeterSample("inlet.outbox.lag", Map.of(), MeterSample.Kind.GAUGE, "seconds", 1).pascalName()).isEqualTo("OutboxLagSeconds");
        assertThat(new MeterSample("inlet.outbox.lag", Map.of(), MeterSample.Kind.GAUGE, "seconds", 1).snakeName()).isEqualTo("outbox_lag_seconds");
        assertThat(new MeterSample("inlet.sweep.missing.objects", Map.of(), MeterSample.Kind.COUNTER, null, 1).pascalName())
                .isEqualTo("SweepMissingObjects");
        assertThat(new MeterSample("inlet.cold.start", Map.of(), MeterSample.Kind.COUNTER, null, 1).snakeName()).isEqualTo("cold_start");
        assertThat(MeterSample.pascal("function")).isEqualTo("Function");
    }

    private static Map<String, Double> values(List<MeterSample> samples) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        samples.forEach(s -> out.put(s.pascalName(), s.value()));
        return out;
    }
}
