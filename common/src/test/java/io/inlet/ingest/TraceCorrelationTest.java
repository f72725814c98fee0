package io.inlet.ingest;

import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.event.TraceContext;
import io.inlet.feed.FeedRegistry;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trigger's trace id becomes its events' correlation id, and derived messages continue the trace. */
class TraceCorrelationTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all }
                table: order_events
                derived: [ { events: appended, destination: orders-out } ]
            messages:
              - name: billing
                channel: billing
                format: auto
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                  payload: { include: all }
                table: billing_events
                derived: [ { events: appended, destination: billing-out } ]
            """;
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    DataSource ds;
    Inlet inlet;

    @BeforeEach
    void core() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "feeds.yaml");
        ds = TestDatabase.fresh(feeds.eventTables());
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w1").build();
    }

    @Test
    void aMessageWithATraceparentCorrelatesItsEventsByTheTraceIdAndItsDerivedMessagesContinueTheTrace() throws Exception {
        String body = "[{\"type\":\"InvoicePaid\",\"account_id\":\"a1\"},{\"type\":\"InvoicePaid\",\"account_id\":\"a2\"}]";
        inlet.ingestMessage(new InboundMessage("m-1", "billing", body, Map.of("traceparent", TRACEPARENT)));

        assertThat(correlationIds("billing_events")).containsExactly(TRACE_ID, TRACE_ID);
        List<OutboxMessage> published = relay();
        assertThat(published).hasSize(2);
        for (OutboxMessage m : published) {
            TraceContext sent = TraceContext.parse(m.traceparent()).orElseThrow();
            assertThat(sent.traceId()).isEqualTo(TRACE_ID);
            assertThat(sent.flags()).isEqualTo("01");
            assertThat(sent.parentId()).isNotEqualTo("00f067aa0ba902b7");
            assertThat(m.correlationId()).isEqualTo(TRACE_ID);
            JsonNode ce = JSON.readTree(m.body());
            assertThat(ce.get("traceparent").asText()).isEqualTo(m.traceparent());
            assertThat(ce.get("correlationid").asText()).isEqualTo(TRACE_ID);
        }
        assertThat(published.get(0).traceparent()).isNotEqualTo(published.get(1).traceparent());
    }

    @Test
    void aMessageWithoutATraceKeepsItsIdAsCorrelationAndItsDerivedMessagesCarryNoTraceparent() throws Exception {
        inlet.ingestMessage(new InboundMessage("m-2", "billing", "{\"type\":\"InvoicePaid\",\"account_id\":\"a1\"}",
                Map.of("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")));

        assertThat(correlationIds("billing_events")).containsExactly("m-2");
        OutboxMessage m = relay().get(0);
        assertThat(m.traceparent()).isNull();
        assertThat(JSON.readTree(m.body()).has("traceparent")).isFalse();
    }

    @Test
    void aStructuredCloudEventsOwnTraceparentExtensionIsItsCorrelation() throws Exception {
        String body = """
                {"specversion": "1.0", "id": "evt-1", "source": "urn:billing", "type": "InvoicePaid", "subject": "account-a1",
                 "traceparent": "%s", "data": {"account_id": "a1"}}
                """.formatted(TRACEPARENT);
        inlet.ingestMessage(new InboundMessage("m-3", "billing", body, Map.of()));

        assertThat(correlationIds("billing_events")).containsExactly(TRACE_ID);
    }

    @Test
    void aFileNotificationsTraceIdIsTheLedgerRowsAndEventsCorrelationAndARedeliveryKeepsIt() throws Exception {
        Files.createDirectories(dir.resolve("orders"));
        Files.writeString(dir.resolve("orders/a.csv"), "order_id,customer,at\nO-1,c1,2026-11-20T10:00:00Z\nO-2,c2,2026-11-20T10:00:00Z\n");
        LocalFileSource local = new LocalFileSource(dir);
        ObjectRef ref = local.refFor("drop", dir.resolve("orders/a.csv"));
        TraceContext trace = TraceContext.parse(TRACEPARENT).orElseThrow();

        FileReport report = inlet.ingestFile(ref, local, Deadline.none(), null, trace);
        FileReport again = inlet.ingestFile(ref, local, Deadline.none(), null,
                TraceContext.parse("00-11111111111111111111111111111111-2222222222222222-01").orElseThrow());

        assertThat(report.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(again.outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(correlationIds("order_events")).containsExactly(TRACE_ID, TRACE_ID);
        assertThat(query("SELECT correlation_id FROM ingested_files")).containsExactly(TRACE_ID);
        assertThat(relay()).extracting(m -> TraceContext.parse(m.traceparent()).orElseThrow().traceId())
                .containsExactly(TRACE_ID, TRACE_ID);
    }

    private List<OutboxMessage> relay() {
        List<OutboxMessage> accepted = new ArrayList<>();
        EventPublisher recording = batch -> {
            Map<Long, String> ok = new HashMap<>();
            for (OutboxMessage m : batch) {
                accepted.add(m);
                ok.put(m.outboxId(), "msg-" + m.outboxId());
            }
            return new PublishResult(ok, Map.of());
        };
        inlet.relay(recording, Deadline.none());
        return accepted;
    }

    private List<String> correlationIds(String table) throws Exception {
        return query("SELECT correlation_id FROM " + table + " ORDER BY stream_id");
    }

    private List<String> query(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
