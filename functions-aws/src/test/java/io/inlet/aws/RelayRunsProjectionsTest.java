package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.InboundMessage;
import io.inlet.projection.ProjectionRebuild;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay function runs the async projections after relaying (docs/read-side.md, "mode: async"). */
class RelayRunsProjectionsTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String FEEDS = """
            version: 1
            messages:
              - name: orders
                channel: orders
                mapping:
                  event_type: { column: type }
                  stream_id: "{order}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: order_events
            projections:
              - name: order_totals
                events: order_events
                mode: async
                columns: { total: numeric }
                on:
                  ItemAdded: { total: { field: price, op: add } }
            """;

    @Test
    void aRelayRunBringsTheAsyncProjectionsUpToDate() throws Exception {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "feeds.yaml");
        DataSource db = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        new ProjectionRebuild(db, Inlet.projectionReader(db)).ensure(feeds.projections());
        Inlet inlet = Inlet.builder().dataSource(db).feeds(feeds).workerId("relay-projections").build();
        for (int i = 1; i <= 4; i++) {
            inlet.ingestMessage(new InboundMessage("m" + i, "orders", "{\"id\":\"e" + i + "\",\"type\":\"ItemAdded\",\"order\":\"o-" + i % 2
                    + "\",\"at\":\"2026-12-06T10:00:00Z\",\"price\":\"" + i + ".50\"}", Map.of()));
        }
        FunctionSettings settings = new FunctionSettings("classpath:unused.yaml", "jdbc:postgresql://test/inlet", "test", "test", null,
                Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        FunctionEnvironment env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);

        new OutboxRelayHandler(env).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000));

        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(stream_id || '=' || total, ',' ORDER BY stream_id) FROM inlet.order_totals")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("o-0=7.00,o-1=5.00");
        }
    }
}
