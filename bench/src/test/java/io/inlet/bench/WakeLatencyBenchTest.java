package io.inlet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The latency bench must count every derived message it receives, whatever UUIDs the message carries, and
 * each cloud's part must receive the derived message of everything it sent, whichever part ran before it.
 */
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

    /**
     * The run's order as the bench runs it: AWS latency, the AWS cost rounds (whose rows no relay publishes),
     * then GCP, with the same bench ids. Every message and file of each part is derived and received, and each
     * part's outbox holds one row per event it sent (none ingested before) and none left unpublished.
     */
    @Test
    void eachCloudsPartReceivesTheDerivedMessageOfEveryMessageAndFileItSentAfterTheOtherPartsRan() throws Exception {
        int count = 3;
        List<WakeLatencyBench.CloudRun> runs = WakeLatencyBench.run(new WakeLatencyBench.Settings(count, 50, Set.of("aws", "gcp"),
                20, 1, Duration.ofSeconds(30)));

        assertThat(runs).extracting(WakeLatencyBench.CloudRun::cloud).containsExactly("aws", "gcp");
        assertThat(runs).allSatisfy(run -> {
            assertThat(run.messages()).as(run.cloud() + " messages").isEqualTo(count);
            assertThat(run.files()).as(run.cloud() + " files").isEqualTo(count);
            assertThat(run.outboxRows()).as(run.cloud() + " outbox rows").isEqualTo(WakeLatencyBench.WARM_UP + 2L * count);
            assertThat(run.unpublished()).as(run.cloud() + " unpublished").isZero();
        });
    }
}
