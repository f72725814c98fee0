package io.inlet.event;

import io.inlet.ingest.MessageDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CloudEventWriterTest {

    private static final UUID ID = UUID.fromString("3eae9803-52bf-5d65-b50b-22d7a4195337");

    @Test
    void writesAStructuredCloudEventTheSdkReadsBack() throws Exception {
        String json = new CloudEventWriter().write(ID, CloudEventWriter.sourceForTable("order_events"), "OrderPlaced",
                Instant.parse("2024-03-01T09:15:00Z"), "order-A-1", 3, "corr-1", "file-7", "{\"order_id\":\"A-1\",\"amount\":1234.50}");

        CloudEvent event = new JsonFormat().deserialize(json.getBytes(StandardCharsets.UTF_8));

        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getId()).isEqualTo(ID.toString());
        assertThat(event.getSource()).isEqualTo(URI.create("urn:inlet:order_events"));
        assertThat(event.getType()).isEqualTo("OrderPlaced");
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2024-03-01T09:15:00Z"));
        assertThat(event.getSubject()).isEqualTo("order-A-1");
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getExtension("schemaversion")).isEqualTo(3);
        assertThat(event.getExtension("correlationid")).isEqualTo("corr-1");
        assertThat(event.getExtension("causationid")).isEqualTo("file-7");
        assertThat(new ObjectMapper().readTree(event.getData().toBytes())).isEqualTo(new ObjectMapper().readTree("{\"order_id\":\"A-1\",\"amount\":1234.50}"));
        assertThat(json).contains("\"data\":{\"order_id\":\"A-1\",\"amount\":1234.50}"); // decimals stay exact on the wire
    }

    @Test
    void envelopeRendersWithoutAbsentCorrelation() {
        EventEnvelope envelope = new EventEnvelope(ID, "order-A-1", "OrderPlaced", 1, Instant.parse("2024-03-01T09:15:00Z"),
                null, null, "s3://b/k@record=1", "{}");

        CloudEvent event = new JsonFormat().deserialize(new CloudEventWriter()
                .write(envelope, "urn:inlet:order_events", "OrderReceived").getBytes(StandardCharsets.UTF_8));

        assertThat(event.getType()).isEqualTo("OrderReceived");
        assertThat(event.getExtensionNames()).containsExactly("schemaversion");
    }

    @Test
    void aPayloadThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> new CloudEventWriter().write(ID, "urn:inlet:events", "T", Instant.EPOCH, "s", 1, null, null, "[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload of event " + ID + " is not a JSON object");
    }

    @Test
    void decoderReadsWhatTheWriterWrites() {
        String json = new CloudEventWriter().write(ID, "urn:inlet:order_events", "OrderPlaced",
                Instant.parse("2024-03-01T09:15:00Z"), "order-A-1", 3, "corr-1", "file-7", "{\"amount\":1234.50}");
        var registry = io.inlet.feed.FeedRegistry.parse("""
                version: 1
                messages: [ { name: in, channel: orders, format: cloudevent } ]
                """, "feeds.yaml");

        EventEnvelope e = new MessageDecoder(registry).decode(new io.inlet.ingest.InboundMessage("m-9", "orders", json, null),
                registry.messageFeed("in").orElseThrow(),
                new RecordContext("in", null, "sqs:orders/m-9", null, "m-9", Instant.EPOCH)).get(0);

        assertThat(e).isEqualTo(new EventEnvelope(EventIds.of(EventIds.cloudEventName("urn:inlet:order_events", ID.toString())),
                "order-A-1", "OrderPlaced", 3, Instant.parse("2024-03-01T09:15:00Z"), "corr-1", "m-9", "sqs:orders/m-9",
                "{\"amount\":1234.50}"));
    }
}
