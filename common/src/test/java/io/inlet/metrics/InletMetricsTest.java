package io.inlet.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectSequencer;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InletMetricsTest {

    @Test
    void filesRecordsAndRelayAreCounted() throws Exception {
        FeedRegistry feeds = Samples.feeds();
        MeterRegistry registry = new SimpleMeterRegistry();
        Inlet inlet = Inlet.builder().dataSource(TestDatabase.fresh(List.copyOf(feeds.eventTables()))).feeds(feeds)
                .meterRegistry(registry).build();
        LocalFileSource source = new LocalFileSource(Samples.files());
        for (String key : List.of("acme/orders-malformed.csv", "acme/orders-repeated-id.csv", "acme/orders-malformed.csv")) {
            inlet.ingestFile(source.refFor("vendor-drop", Samples.files().resolve(key)), source, Deadline.none());
        }
        inlet.relay(batch -> {
            Map<Long, String> ok = new HashMap<>(), bad = new HashMap<>();
            for (OutboxMessage m : batch) (m.destination().equals("ops") ? bad : ok).put(m.outboxId(), "x");
            return new PublishResult(ok, bad);
        }, Deadline.none());

        assertThat(registry.get("inlet.files").tag("outcome", "COMPLETED").counter().count()).isEqualTo(2);
        assertThat(registry.get("inlet.files").tag("outcome", "ALREADY_COMPLETED").counter().count()).isEqualTo(1);
        assertThat(registry.get("inlet.records").tag("outcome", "read").counter().count()).isEqualTo(15);
        assertThat(registry.get("inlet.records").tag("outcome", "appended").counter().count()).isEqualTo(6);
        assertThat(registry.get("inlet.records").tag("outcome", "duplicate").counter().count()).isEqualTo(1);
        assertThat(registry.get("inlet.records").tag("outcome", "conflict").counter().count()).isEqualTo(1);
        assertThat(registry.get("inlet.records").tag("outcome", "rejected").counter().count()).isEqualTo(7);
        assertThat(registry.get("inlet.relay.published").counter().count()).isEqualTo(6);
        assertThat(registry.get("inlet.relay.publish.failures").counter().count()).isEqualTo(2);
        assertThat(registry.get("inlet.outbox.pending").gauge().value()).isEqualTo(2);
        assertThat(registry.get("inlet.outbox.lag").gauge().value()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void everyIngestFileOverloadCountsTheFileAndItsRecords() throws Exception {
        FeedRegistry feeds = Samples.feeds();
        MeterRegistry registry = new SimpleMeterRegistry();
        Inlet inlet = Inlet.builder().dataSource(TestDatabase.fresh(List.copyOf(feeds.eventTables()))).feeds(feeds)
                .meterRegistry(registry).build();
        LocalFileSource source = new LocalFileSource(Samples.files());
        var ref = source.refFor("vendor-drop", Samples.files().resolve("acme/orders-malformed.csv"));
        // the overload both function paths use (sequencer and trace context)
        inlet.ingestFile(ref, source, Deadline.none(), ObjectSequencer.s3("0055AED6DCD90281E5"), null);
        inlet.ingestFile(ref, source, Deadline.none(), null);

        assertThat(registry.get("inlet.files").tag("outcome", "COMPLETED").counter().count()).isEqualTo(1);
        assertThat(registry.get("inlet.files").tag("outcome", "ALREADY_COMPLETED").counter().count()).isEqualTo(1);
        assertThat(registry.get("inlet.records").tag("outcome", "read").counter().count()).isPositive();
    }

    @Test
    void twoInstancesOverOneRegistryShareTheGaugesSoEitherOnesValueIsTheOneReported() {
        MeterRegistry registry = new SimpleMeterRegistry();
        InletMetrics core = new InletMetrics(registry);
        InletMetrics other = new InletMetrics(registry);

        other.outbox(7, 12.0, 2);
        assertThat(registry.get("inlet.outbox.pending").gauge().value()).isEqualTo(7);
        assertThat(registry.get("inlet.outbox.blocked").gauge().value()).isEqualTo(2);
        core.outbox(1, 0, 0);
        assertThat(registry.get("inlet.outbox.pending").gauge().value()).isEqualTo(1);
    }
}
