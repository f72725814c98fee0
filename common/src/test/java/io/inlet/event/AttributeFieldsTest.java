package io.inlet.event;

import io.inlet.ingest.MessageDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.failure.PermanentException;
import io.inlet.feed.FeedConfigException;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.ingest.InboundMessage;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A message feed's {@code attribute_fields} hand named message attributes (SQS binary ones as base64)
 * to the mapping as record fields: a stream id, an id or a payload field can come from an attribute,
 * and a body that already has the field is refused rather than one of the two silently winning.
 */
class AttributeFieldsTest {

    private static final FeedRegistry REGISTRY = FeedRegistry.parse("""
            version: 1
            messages:
              - name: tenants
                channel: tenants
                format: json
                attribute_fields: { tenant: tenant_id, signature: sig }
                mapping:
                  event_type: { column: type }
                  stream_id: "{tenant_id}:account-{account_id}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                table: tenant_events
            """, "feeds.yaml");
    private static final MessageDecoder DECODER = new MessageDecoder(REGISTRY);
    private static final MessageFeed TENANTS = REGISTRY.messageFeed("tenants").orElseThrow();
    private static final RecordContext CTX = new RecordContext("tenants", null, "sqs:tenants/m-1", "m-1", "m-1",
            Instant.parse("2024-05-01T12:00:00Z"));

    private static EventEnvelope decodeOne(String body, Map<String, String> attributes) {
        return DECODER.decode(new InboundMessage("m-1", "tenants", body, attributes), TENANTS, CTX).get(0);
    }

    @Test
    void anAttributeBecomesTheFieldTheMappingReads() {
        EventEnvelope e = decodeOne("{\"type\": \"Opened\", \"account_id\": \"7\"}",
                Map.of("tenant", "acme", "signature", "AAEC/w==", "other", "x"));
        assertThat(e.streamId()).isEqualTo("acme:account-7");
        assertThat(e.payloadJson()).contains("\"tenant_id\":\"acme\"").contains("\"sig\":\"AAEC/w==\"")
                .doesNotContain("other");
    }

    @Test
    void eachElementOfAnArrayBodyGetsTheAttributes() {
        var events = DECODER.decode(new InboundMessage("m-2", "tenants",
                "[{\"type\": \"A\", \"account_id\": \"1\"}, {\"type\": \"B\", \"account_id\": \"2\"}]",
                Map.of("tenant", "globex")), TENANTS, CTX);
        assertThat(events).extracting(EventEnvelope::streamId).containsExactly("globex:account-1", "globex:account-2");
    }

    @Test
    void aBodyThatHasTheFieldAlreadyIsRefusedNamingFieldAndAttribute() {
        assertThatThrownBy(() -> decodeOne("{\"type\": \"A\", \"account_id\": \"1\", \"tenant_id\": \"evil\"}",
                Map.of("tenant", "acme")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("body has a field 'tenant_id' and attribute 'tenant' sets it too");
    }

    @Test
    void aMissingAttributeIsAMissingValueForTheMapping() {
        assertThatThrownBy(() -> decodeOne("{\"type\": \"A\", \"account_id\": \"1\"}", Map.of()))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("tenant_id");
    }

    @Test
    void anAttributeValuePostgresWouldRefuseIsRefusedLikeABodyValue() {
        assertThatThrownBy(() -> decodeOne("{\"type\": \"A\", \"account_id\": \"1\"}", Map.of("tenant", "a\u0000b")))
                .isInstanceOf(PermanentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "attribute_fields: { ce-type: t }",
            "attribute_fields: { \"a b\": t }",
            "attribute_fields: { a: \"\" }",
            "attribute_fields: { a: t, b: t }",
            "attribute_fields: [ a ]",
    })
    void aWrongAttributeFieldsMapFailsAtLoadNamingTheFeedAndKey(String line) {
        String yaml = """
                version: 1
                messages:
                  - name: m
                    channel: m
                    format: json
                    %s
                    mapping:
                      event_type: X
                      stream_id: "s-{a}"
                      occurred_at: { column: at, fallback_to_ingestion_time: true }
                      id: { strategy: position }
                    table: m_events
                """.formatted(line);
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .isInstanceOf(FeedConfigException.class)
                .hasMessageContaining("message feed 'm'")
                .hasMessageContaining("attribute_fields");
    }

    @Test
    void aCloudEventFeedHasNoMappingToReadAttributeFields() {
        assertThatThrownBy(() -> FeedRegistry.parse("""
                version: 1
                messages:
                  - name: ce
                    channel: ce
                    format: cloudevent
                    attribute_fields: { tenant: tenant_id }
                    table: ce_events
                """, "feeds.yaml"))
                .isInstanceOf(FeedConfigException.class)
                .hasMessageContaining("attribute_fields").hasMessageContaining("plain JSON");
    }
}
