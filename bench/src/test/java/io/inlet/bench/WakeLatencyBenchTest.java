package io.inlet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The latency bench must count every derived message it receives, whatever UUIDs the message carries. */
class WakeLatencyBenchTest {

    @Test
    void aDerivedMessageIsMatchedByItsOwnIdNotByAUuidThatLooksLikeOne() {
        WakeLatencyBench.Latencies l = new WakeLatencyBench.Latencies();
        l.sent("m-1-5");
        l.sent("f-2-7");
        // event ids of the 2026-12-06 run whose text holds "c-8095-110" and "f-5128-92"
        l.received("{\"id\":\"519988fb-fce2-51ac-8095-110f34be37ac\",\"subject\":\"account-a-5\",\"data\":{\"id\":\"m-1-5\"}}");
        l.received("{\"id\":\"4fa7af51-be5f-5128-92f9-f0b99c8a6180\",\"subject\":\"file-f-2-7\",\"data\":{\"id\":\"f-2-7\"}}");
        assertThat(l.count("m-")).isEqualTo(1);
        assertThat(l.count("f-")).isEqualTo(1);
        assertThat(l.unmatched.get()).isZero();
    }
}
