package io.inlet.ingest;

import io.inlet.event.EventEnvelope;
import io.inlet.event.RecordContext;

import io.inlet.ingest.MessageDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.failure.PermanentException;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.ingest.InboundMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageDecoderTest {

    private static final String FEEDS = """
            version: 1
            messages:
              - name: billing
                channel: billing
                format: auto
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                  payload: { fields: { amount: { type: decimal } } }
                table: billing_events
              - name: ce-only
                channel: partners
                format: cloudevent
                table: events
            """;
    private static final FeedRegistry REGISTRY = FeedRegistry.parse(FEEDS, "feeds.yaml");
    private static final MessageDecoder DECODER = new MessageDecoder(REGISTRY);
    private static final MessageFeed BILLING = REGISTRY.messageFeed("billing").orElseThrow();
    private static final MessageFeed CE_ONLY = REGISTRY.messageFeed("ce-only").orElseThrow();
    private static final Instant INGESTED = Instant.parse("2024-05-01T12:00:00Z");
    private static final RecordContext CTX = new RecordContext("billing", null, "sqs:billing/m-1", "m-1", "m-1", INGESTED);

    private static InboundMessage message(String body, Map<String, String> attributes) {
        return new InboundMessage("m-1", "billing", body, attributes);
    }

    @Test
    void structuredCloudEventBecomesOneEventWithItsOwnIdentity() {
        String body = """
                {"specversion": "1.0", "id": "evt-1", "source": "urn:billing", "type": "InvoicePaid",
                 "subject": "invoice-77", "time": "2024-04-30T10:00:00+02:00", "datacontenttype": "application/json",
                 "schemaversion": 2, "correlationid": "order-5",
                 "data": {"invoice": "77", "amount": 12.50}}
                """;

        List<EventEnvelope> events = DECODER.decode(message(body, Map.of()), BILLING, CTX);

        assertThat(events).containsExactly(new EventEnvelope(UUID.fromString("545b2123-d451-5c3a-a5b3-0a1a3f54f131"),
                "invoice-77", "InvoicePaid", 2, Instant.parse("2024-04-30T08:00:00Z"), "order-5", "m-1",
                "sqs:billing/m-1", "{\"invoice\":\"77\",\"amount\":12.50}"));
    }

    @Test
    void binaryModeCloudEventIsReadFromAttributes() {
        Map<String, String> attributes = Map.of("ce-specversion", "1.0", "ce-id", "evt-1", "ce-source", "urn:billing",
                "ce-type", "InvoicePaid", "ce-subject", "invoice-77", "Content-Type", "application/json");

        List<EventEnvelope> events = DECODER.decode(message("{\"invoice\":\"77\"}", attributes), BILLING, CTX);

        assertThat(events).containsExactly(new EventEnvelope(UUID.fromString("545b2123-d451-5c3a-a5b3-0a1a3f54f131"),
                "invoice-77", "InvoicePaid", 1, INGESTED, "m-1", "m-1", "sqs:billing/m-1", "{\"invoice\":\"77\"}"));
    }

    @Test
    void cloudEventWithoutSubjectTakesTheStreamFromTheMappingTemplate() {
        String body = """
                {"specversion": "1.0", "id": "evt-2", "source": "urn:billing", "type": "InvoicePaid",
                 "data": {"account_id": "acc-9"}}
                """;

        assertThat(DECODER.decode(message(body, Map.of()), BILLING, CTX).get(0).streamId()).isEqualTo("account-acc-9");
        assertThatThrownBy(() -> DECODER.decode(message(body, Map.of()), CE_ONLY, CTX))
                .isInstanceOf(PermanentException.class)
                .hasMessage("message m-1 on channel 'billing': field 'subject': missing, and message feed 'ce-only' has no stream_id mapping");
    }

    @Test
    void plainJsonObjectGoesThroughTheMapping() {
        String body = "{\"type\": \"ChargeCreated\", \"account_id\": \"acc-1\", \"amount\": \"10.00\", \"at\": \"2024-04-01T00:00:00Z\"}";

        List<EventEnvelope> events = DECODER.decode(message(body, Map.of()), BILLING, CTX);

        assertThat(events).containsExactly(new EventEnvelope(UUID.fromString("b63b19e3-c975-5b5c-a720-8142f7e4926c"),
                "account-acc-1", "ChargeCreated", 1, Instant.parse("2024-04-01T00:00:00Z"), "m-1", "m-1",
                "sqs:billing/m-1@record=1",
                "{\"type\":\"ChargeCreated\",\"account_id\":\"acc-1\",\"amount\":10.00,\"at\":\"2024-04-01T00:00:00Z\"}"));
    }

    @Test
    void jsonArrayOfObjectsBecomesSeveralEventsNumberedFromOne() {
        String body = "[{\"type\": \"A\", \"account_id\": \"x\"}, {\"type\": \"B\", \"account_id\": \"y\"}]";

        List<EventEnvelope> events = DECODER.decode(message(body, Map.of()), BILLING, CTX);

        assertThat(events).extracting(EventEnvelope::eventType).containsExactly("A", "B");
        assertThat(events).extracting(EventEnvelope::eventId).containsExactly(
                UUID.fromString("b63b19e3-c975-5b5c-a720-8142f7e4926c"), UUID.fromString("c85dba4a-f8d7-5f52-b5d6-1d1e4f2340ac"));
        assertThat(events).extracting(EventEnvelope::source).containsExactly("sqs:billing/m-1@record=1", "sqs:billing/m-1@record=2");
        assertThat(events).extracting(EventEnvelope::occurredAt).containsOnly(INGESTED);
    }

    @Test
    void redeliveredMessageDecodesToTheSameIds() {
        String body = "[{\"type\": \"A\", \"account_id\": \"x\"}]";

        assertThat(DECODER.decode(message(body, Map.of()), BILLING, CTX))
                .isEqualTo(DECODER.decode(message(body, Map.of()), BILLING, CTX));
    }

    @Test
    void malformedMessagesFailPermanentlyNamingMessageAndField() {
        assertThatThrownBy(() -> DECODER.decode(message("{not json", Map.of()), BILLING, CTX))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("message m-1 on channel 'billing': body is not JSON: ");
        assertThatThrownBy(() -> DECODER.decode(message("42", Map.of()), BILLING, CTX))
                .hasMessage("message m-1 on channel 'billing': body must be a JSON object or an array of objects, found number");
        assertThatThrownBy(() -> DECODER.decode(message("[{\"type\":\"A\",\"account_id\":\"x\"}, 7]", Map.of()), BILLING, CTX))
                .hasMessage("message m-1 on channel 'billing': body[1] is not a JSON object");
        assertThatThrownBy(() -> DECODER.decode(message("{\"type\":\"A\",\"account_id\":\"x\",\"amount\":\"ten\"}", Map.of()), BILLING, CTX))
                .hasMessage("message m-1 on channel 'billing': body: field 'amount': not a decimal: \"ten\"");
        assertThatThrownBy(() -> DECODER.decode(message("{\"specversion\":\"1.0\",\"id\":\"e\",\"type\":\"T\"}", Map.of()), BILLING, CTX))
                .hasMessageStartingWith("message m-1 on channel 'billing': is not a valid structured CloudEvent: ");
        assertThatThrownBy(() -> DECODER.decode(message("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"urn:s\",\"type\":\"T\","
                + "\"subject\":\"s\",\"data\":[1]}", Map.of()), BILLING, CTX))
                .hasMessage("message m-1 on channel 'billing': field 'data': must be a JSON object, found array");
        assertThatThrownBy(() -> DECODER.decode(message("{}", Map.of("ce-specversion", "1.0", "ce-id", "e", "ce-type", "T")), BILLING, CTX))
                .hasMessageStartingWith("message m-1 on channel 'billing': is not a valid binary-mode CloudEvent: ");
        assertThatThrownBy(() -> DECODER.decode(message("{\"a\":1}", Map.of()), CE_ONLY, CTX))
                .hasMessage("message m-1 on channel 'billing': is not a CloudEvent (no 'specversion' in the body and no ce-* attributes)");
        assertThatThrownBy(() -> DECODER.decode(message("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"urn:s\",\"type\":\"T\","
                + "\"subject\":\"s\",\"schemaversion\":\"two\",\"data\":{}}", Map.of()), BILLING, CTX))
                .hasMessage("message m-1 on channel 'billing': extension 'schemaversion': must be a whole number from 1 to 2147483647, found \"two\"");
    }
}
