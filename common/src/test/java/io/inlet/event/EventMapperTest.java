package io.inlet.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.feed.FeedRegistry;
import io.inlet.parse.RawRecord;
import io.inlet.parse.RecordPosition;
import io.inlet.source.ObjectRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectRef OBJECT = new ObjectRef("vendor-drop", "acme/orders/2024-03-01.csv", "v1", "\"etag9\"", 100L);
    private static final Instant INGESTED = Instant.parse("2024-03-02T08:00:00Z");
    private static final RecordContext CTX = new RecordContext("acme-orders", OBJECT,
            "s3://vendor-drop/acme/orders/2024-03-01.csv#v1", "corr-1", "file-7", INGESTED);

    private static final String ORDERS = """
            version: 1
            feeds:
              - name: acme-orders
                bucket: vendor-drop
                key_pattern: "acme/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at:
                    column: ordered_at
                    formats: ["iso", "yyyy-MM-dd HH:mm:ss", "dd.MM.yyyy HH:mm", "epoch_millis"]
                    zone: Europe/Berlin
                  id: %s
                  decimal_separator: "%s"
                  %s
                  payload:
                    include: %s
                    fields:
                      order_id: { type: string, required: true }
                      amount: { type: decimal }
                      quantity: { type: integer, required: true }
                      paid: { type: boolean }
                      customer: { from: cust_name }
                      shipped_on: { type: date, formats: ["dd/MM/yyyy", "iso"] }
                      delivered_at: { type: timestamp, formats: ["yyyy-MM-dd HH:mm"], zone: America/New_York }
                      extra: { type: json }
                  schema_version: 3
            """;

    private static EventMapper mapper(String id, String decimal, String grouping, String include) {
        String yaml = ORDERS.formatted(id, decimal, grouping == null ? "" : "grouping_separator: \"" + grouping + "\"", include);
        return FeedRegistry.parse(yaml, "feeds.yaml").mapper("acme-orders");
    }

    private static EventMapper columnIds() {
        return mapper("{ strategy: column, column: order_id }", ".", null, "all");
    }

    private static RawRecord csv(long n, String... pairs) {
        ObjectNode fields = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) fields.put(pairs[i], pairs[i + 1]);
        return new RawRecord(new RecordPosition(n, n + 1, 0, 0), fields, String.join(",", pairs));
    }

    private static RawRecord order(long n, String amount, String orderedAt) {
        return csv(n, "order_id", "A-1", "cust_name", "Ann", "amount", amount, "quantity", "2", "ordered_at", orderedAt,
                "paid", "yes", "shipped_on", "03/03/2024", "delivered_at", "2024-03-05 09:30", "extra", "{\"gift\":true}",
                "status", "new");
    }

    @Test
    void mapsAnOrderRecordToAnEnvelopeWithTypedPayloadInRecordOrder() throws Exception {
        EventEnvelope e = columnIds().map(order(3, "1234.50", "2024-03-01 10:15:00"), CTX);

        assertThat(e.eventId()).isEqualTo(UUID.fromString("3eae9803-52bf-5d65-b50b-22d7a4195337"));
        assertThat(e.streamId()).isEqualTo("order-A-1");
        assertThat(e.eventType()).isEqualTo("OrderPlaced");
        assertThat(e.schemaVersion()).isEqualTo(3);
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2024-03-01T09:15:00Z")); // Berlin is UTC+1 in March
        assertThat(e.correlationId()).isEqualTo("corr-1");
        assertThat(e.causationId()).isEqualTo("file-7");
        assertThat(e.source()).isEqualTo("s3://vendor-drop/acme/orders/2024-03-01.csv#v1@record=3");
        assertThat(e.payloadJson()).isEqualTo("{\"order_id\":\"A-1\",\"customer\":\"Ann\",\"amount\":1234.50,\"quantity\":2,"
                + "\"ordered_at\":\"2024-03-01 10:15:00\",\"paid\":true,\"shipped_on\":\"2024-03-03\","
                + "\"delivered_at\":\"2024-03-05T14:30:00Z\",\"extra\":{\"gift\":true},\"status\":\"new\"}");
    }

    @Test
    void selectedPayloadHoldsOnlyTheDeclaredFieldsInMappingOrder() throws Exception {
        EventMapper mapper = mapper("{ strategy: column, column: order_id }", ".", null, "selected");

        EventEnvelope e = mapper.map(csv(1, "quantity", "5", "order_id", "B-2", "ordered_at", "2024-03-01T10:00:00Z",
                "status", "ignored"), CTX);

        assertThat(e.payloadJson()).isEqualTo("{\"order_id\":\"B-2\",\"amount\":null,\"quantity\":5,\"paid\":null,"
                + "\"customer\":null,\"shipped_on\":null,\"delivered_at\":null,\"extra\":null}");
    }

    @Test
    void occurredAtAcceptsEachConfiguredFormatAndZone() throws Exception {
        EventMapper mapper = columnIds();

        assertThat(mapper.map(order(1, "1", "2024-07-01T10:00:00+02:00"), CTX).occurredAt()).isEqualTo(Instant.parse("2024-07-01T08:00:00Z"));
        assertThat(mapper.map(order(1, "1", "2024-07-01 10:00:00"), CTX).occurredAt()).isEqualTo(Instant.parse("2024-07-01T08:00:00Z"));
        assertThat(mapper.map(order(1, "1", "01.12.2024 10:00"), CTX).occurredAt()).isEqualTo(Instant.parse("2024-12-01T09:00:00Z"));
        assertThat(mapper.map(order(1, "1", "1709287200000"), CTX).occurredAt()).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
    }

    @Test
    void occurredAtInNoFormatOrMissingRejectsTheRecord() {
        EventMapper mapper = columnIds();

        assertThatThrownBy(() -> mapper.map(order(1, "1", "2024-02-30 10:00:00"), CTX))
                .isInstanceOf(RecordRejectedException.class)
                .hasMessage("field 'ordered_at': not a timestamp in any of the formats [iso, yyyy-MM-dd HH:mm:ss, "
                        + "dd.MM.yyyy HH:mm, epoch_millis]: \"2024-02-30 10:00:00\"");
        assertThatThrownBy(() -> mapper.map(order(1, "1", ""), CTX))
                .hasMessage("field 'ordered_at': occurred_at value is missing");
    }

    @Test
    void missingOccurredAtUsesIngestionTimeOnlyWhenAllowed() throws Exception {
        String yaml = """
                version: 1
                feeds:
                  - name: f
                    bucket: vendor-drop
                    key_pattern: "f/**"
                    format: { type: jsonl }
                    mapping:
                      event_type: Seen
                      stream_id: "s-{id}"
                      occurred_at: { column: at, fallback_to_ingestion_time: true }
                      id: { strategy: column, column: id }
                """;
        EventMapper mapper = FeedRegistry.parse(yaml, "feeds.yaml").mapper("f");

        assertThat(mapper.map(csv(1, "id", "1"), CTX).occurredAt()).isEqualTo(INGESTED);
        assertThat(mapper.map(csv(1, "id", "1", "at", "2024-01-01T00:00:00Z"), CTX).occurredAt())
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void decimalCommaWithGroupingIsReadExactly() throws Exception {
        EventMapper mapper = mapper("{ strategy: column, column: order_id }", ",", ".", "all");

        assertThat(JSON.readTree(mapper.map(order(1, "1.234,50", "2024-03-01 10:15:00"), CTX).payloadJson()).get("amount").decimalValue())
                .isEqualByComparingTo("1234.50");
        assertThat(mapper.map(order(1, "1.234,50", "2024-03-01 10:15:00"), CTX).payloadJson()).contains("\"amount\":1234.50,");
        assertThat(mapper.map(order(1, "-0,05", "2024-03-01 10:15:00"), CTX).payloadJson()).contains("\"amount\":-0.05,");
        assertThatThrownBy(() -> mapper.map(order(1, "12,3x", "2024-03-01 10:15:00"), CTX))
                .hasMessage("field 'amount': not a decimal: \"12,3x\"");
        assertThatThrownBy(() -> mapper.map(order(1, "12.34.5,0", "2024-03-01 10:15:00"), CTX))
                .hasMessage("field 'amount': not a decimal: \"12.34.5,0\"");
    }

    @Test
    void decimalCommaWithoutGroupingRejectsAPoint() throws Exception {
        EventMapper mapper = mapper("{ strategy: column, column: order_id }", ",", null, "all");

        assertThat(mapper.map(order(1, "12,30", "2024-03-01 10:15:00"), CTX).payloadJson()).contains("\"amount\":12.30,");
        assertThatThrownBy(() -> mapper.map(order(1, "1.234,50", "2024-03-01 10:15:00"), CTX))
                .hasMessage("field 'amount': not a decimal: \"1.234,50\"");
    }

    @Test
    void eachTypedFieldRejectsAValueOfTheWrongType() {
        EventMapper mapper = columnIds();
        RawRecord good = order(1, "1", "2024-03-01 10:15:00");

        assertThatThrownBy(() -> mapper.map(with(good, "quantity", "2.5"), CTX)).hasMessage("field 'quantity': not an integer: \"2.5\"");
        assertThatThrownBy(() -> mapper.map(with(good, "paid", "maybe"), CTX)).hasMessage("field 'paid': not a boolean: \"maybe\"");
        assertThatThrownBy(() -> mapper.map(with(good, "shipped_on", "2024-13-01"), CTX))
                .hasMessage("field 'shipped_on': not a date in any of the formats [dd/MM/yyyy, iso]: \"2024-13-01\"");
        assertThatThrownBy(() -> mapper.map(with(good, "delivered_at", "soon"), CTX))
                .hasMessage("field 'delivered_at': not a timestamp in any of the formats [yyyy-MM-dd HH:mm]: \"soon\"");
        assertThatThrownBy(() -> mapper.map(with(good, "extra", "{oops"), CTX))
                .hasMessageStartingWith("field 'extra': not JSON (");
    }

    @Test
    void requiredFieldsRejectEmptyValuesAndOptionalOnesBecomeNull() throws Exception {
        EventMapper mapper = columnIds();
        RawRecord good = order(1, "1", "2024-03-01 10:15:00");

        assertThatThrownBy(() -> mapper.map(with(good, "quantity", ""), CTX)).hasMessage("field 'quantity': required value is missing");
        ObjectNode noQuantity = good.fields().deepCopy();
        noQuantity.remove("quantity");
        assertThatThrownBy(() -> mapper.map(new RawRecord(good.position(), noQuantity, ""), CTX))
                .hasMessage("field 'quantity': required value is missing");
        assertThat(mapper.map(with(good, "amount", ""), CTX).payloadJson()).contains("\"amount\":null,");
        assertThat(mapper.map(with(good, "paid", " "), CTX).payloadJson()).contains("\"paid\":null,");
    }

    @Test
    void jsonRecordsKeepTheirTypes() throws Exception {
        ObjectNode fields = (ObjectNode) JSON.readTree("{\"order_id\":\"J-1\",\"quantity\":4,\"amount\":19.99,\"paid\":false,"
                + "\"ordered_at\":\"2024-03-01T10:00:00Z\",\"extra\":{\"a\":[1]}}");

        EventEnvelope e = columnIds().map(new RawRecord(new RecordPosition(1, 1, 0, 0), fields, fields.toString()), CTX);

        assertThat(e.payloadJson()).isEqualTo("{\"order_id\":\"J-1\",\"quantity\":4,\"amount\":19.99,\"paid\":false,"
                + "\"ordered_at\":\"2024-03-01T10:00:00Z\",\"extra\":{\"a\":[1]},\"customer\":null,\"shipped_on\":null,"
                + "\"delivered_at\":null}");
    }

    @Test
    void streamTemplateRejectsAnEmptyReferencedValue() {
        assertThatThrownBy(() -> columnIds().map(with(order(1, "1", "2024-03-01 10:15:00"), "order_id", ""), CTX))
                .hasMessage("field 'order_id': empty value for stream id template 'order-{order_id}'");
    }

    @Test
    void eachIdStrategyIsStableAcrossCallsAndDistinct() throws Exception {
        RawRecord r = csv(3, "order_id", "C-9", "customer", "2024-03-01", "quantity", "1", "ordered_at", "2024-03-01T00:00:00Z");
        EventMapper byColumn = columnIds();
        EventMapper byHash = mapper("{ strategy: hash, columns: [order_id, customer] }", ".", null, "all");
        EventMapper byPosition = mapper("{ strategy: position }", ".", null, "all");

        assertThat(byColumn.map(r, CTX).eventId()).isEqualTo(byColumn.map(r, CTX).eventId())
                .isEqualTo(EventIds.of("feed:acme-orders:id:C-9"));
        assertThat(byHash.map(r, CTX).eventId()).isEqualTo(byHash.map(r, CTX).eventId())
                .isEqualTo(UUID.fromString("99526a5c-8ea6-5648-a7b4-427f9c7b9e19"));
        assertThat(byPosition.map(r, CTX).eventId()).isEqualTo(byPosition.map(r, CTX).eventId())
                .isEqualTo(UUID.fromString("2725b8cf-f646-54b6-a074-2462097538e7"));
        RecordContext nextVersion = new RecordContext("acme-orders",
                new ObjectRef("vendor-drop", "acme/orders/2024-03-01.csv", "v2", null, 1L), "s3://x", null, null, INGESTED);
        assertThat(byPosition.map(r, nextVersion).eventId()).isNotEqualTo(byPosition.map(r, CTX).eventId());
    }

    @Test
    void eventTypeFromAColumnIsTranslatedAndUnknownValuesRejected() throws Exception {
        String yaml = """
                version: 1
                feeds:
                  - name: f
                    bucket: vendor-drop
                    key_pattern: "f/**"
                    format: { type: csv }
                    mapping:
                      event_type: { column: kind, values: { N: OrderPlaced, C: OrderCancelled } }
                      stream_id: "order-{id}"
                      occurred_at: { column: at }
                      id: { strategy: column, column: id }
                """;
        EventMapper mapper = FeedRegistry.parse(yaml, "feeds.yaml").mapper("f");

        assertThat(mapper.map(csv(1, "id", "1", "kind", "C", "at", "2024-01-01T00:00:00Z"), CTX).eventType()).isEqualTo("OrderCancelled");
        assertThatThrownBy(() -> mapper.map(csv(1, "id", "1", "kind", "X", "at", "2024-01-01T00:00:00Z"), CTX))
                .hasMessage("field 'kind': unknown event type value \"X\" (expected one of N, C)");
    }

    @Test
    void schemaViolationNamesTheFirstViolationWithItsPath(@TempDir Path dir) throws IOException, RecordRejectedException {
        Files.writeString(dir.resolve("order-placed.v1.json"), """
                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "type": "object",
                 "required": ["order_id", "amount"],
                 "properties": {"order_id": {"type": "string"}, "amount": {"type": "number", "minimum": 0}}}
                """);
        String yaml = """
                version: 1
                feeds:
                  - name: f
                    bucket: vendor-drop
                    key_pattern: "f/**"
                    format: { type: csv }
                    mapping:
                      event_type: OrderPlaced
                      stream_id: "order-{order_id}"
                      occurred_at: { column: at }
                      id: { strategy: column, column: order_id }
                      payload: { fields: { amount: { type: decimal } } }
                      schemas: { OrderPlaced: order-placed.v1.json }
                """;
        EventMapper mapper = FeedRegistry.parse(yaml, "feeds.yaml", dir).mapper("f");

        assertThat(mapper.map(csv(1, "order_id", "A", "amount", "3.5", "at", "2024-01-01T00:00:00Z"), CTX).payloadJson())
                .isEqualTo("{\"order_id\":\"A\",\"amount\":3.5,\"at\":\"2024-01-01T00:00:00Z\"}");
        assertThatThrownBy(() -> mapper.map(csv(1, "order_id", "A", "amount", "-1", "at", "2024-01-01T00:00:00Z"), CTX))
                .isInstanceOf(RecordRejectedException.class)
                .hasMessage("field 'payload': violates schema of OrderPlaced (order-placed.v1.json): $.amount: must have a minimum value of 0");
    }

    private static RawRecord with(RawRecord record, String column, String value) {
        ObjectNode copy = record.fields().deepCopy();
        copy.put(column, value);
        return new RawRecord(record.position(), copy, record.rawText());
    }
}
