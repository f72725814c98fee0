package io.inlet.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepScheduleTest {

    private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");

    @Test
    void byDefaultTwoDaysUpToFifteenMinutesAgo() {
        Sweep.Window w = SweepSchedule.window(Map.of(), NOW);
        assertThat(w.since()).isEqualTo(Instant.parse("2026-12-04T03:00:00Z"));
        assertThat(w.until()).isEqualTo(Instant.parse("2026-12-06T02:45:00Z"));
    }

    @Test
    void theEnvironmentSetsBothAndAWrongValueIsNamed() {
        Sweep.Window w = SweepSchedule.window(Map.of(SweepSchedule.LOOKBACK, "P7D", SweepSchedule.SETTLE, "PT1H"), NOW);
        assertThat(w.since()).isEqualTo(Instant.parse("2026-11-29T03:00:00Z"));
        assertThat(w.until()).isEqualTo(Instant.parse("2026-12-06T02:00:00Z"));
        assertThatThrownBy(() -> SweepSchedule.window(Map.of(SweepSchedule.LOOKBACK, "2 days"), NOW))
                .hasMessageContaining("INLET_SWEEP_LOOKBACK").hasMessageContaining("2 days");
        assertThatThrownBy(() -> SweepSchedule.window(Map.of(SweepSchedule.SETTLE, "P3D"), NOW))
                .hasMessageContaining("must be shorter");
    }
}
