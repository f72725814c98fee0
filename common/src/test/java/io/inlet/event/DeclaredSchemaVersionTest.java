package io.inlet.event;

import io.inlet.ingest.MessageDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.failure.PermanentException;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.ingest.InboundMessage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The schema version a message declares (an attribute named by its feed, or a CloudEvent's
 * {@code schemaversion} extension) is the one stored; a declared version that is not a whole number
 * from 1 to 2^31-1 fails the message permanently, naming the attribute.
 */
class DeclaredSchemaVersionTest {

    private static final FeedRegistry REGISTRY = FeedRegistry.parse("""
            version: 1
            messages:
              - name: billing
                channel: billing
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                  schema_version: 1
                table: billing_events
                shared_streams: true
              - name: renamed
                channel: partners
                schema_version_attribute: payloadVersion
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: position }
                  schema_version: 3
                table: billing_events
                shared_streams: true
            """, "feeds.yaml");
    private static final MessageDecoder DECODER = new MessageDecoder(REGISTRY);
    private static final MessageFeed BILLING = REGISTRY.messageFeed("billing").orElseThrow();
    private static final MessageFeed RENAMED = REGISTRY.messageFeed("renamed").orElseThrow();
    private static final RecordContext CTX = new RecordContext("billing", null, "sqs:billing/m-1", "m-1", "m-1",
            Instant.parse("2024-05-01T12:00:00Z"));
    private static final String OBJECT = "{\"type\": \"A\", \"account_id\": \"x\"}";
    private static final String ARRAY = "[{\"type\": \"A\", \"account_id\": \"x\"}, {\"type\": \"B\", \"account_id\": \"y\"}]";

    private static List<EventEnvelope> decode(MessageFeed feed, String body, Map<String, String> attributes) {
        return DECODER.decode(new InboundMessage("m-1", "billing", body, attributes), feed, CTX);
    }

    private static String structured(String schemaVersionMember) {
        return "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"urn:s\",\"type\":\"T\",\"subject\":\"s\""
                + schemaVersionMember + ",\"data\":{}}";
    }

    @Test
    void plainJsonTakesTheSchemaVersionItsAttributeDeclares() {
        assertThat(decode(BILLING, OBJECT, Map.of("schemaVersion", "2"))).extracting(EventEnvelope::schemaVersion)
                .containsExactly(2);
        assertThat(decode(BILLING, ARRAY, Map.of("schemaVersion", "7"))).extracting(EventEnvelope::schemaVersion)
                .containsExactly(7, 7);
        assertThat(decode(BILLING, OBJECT, Map.of("schemaVersion", "2147483647"))).extracting(EventEnvelope::schemaVersion)
                .containsExactly(Integer.MAX_VALUE);
    }

    @Test
    void withoutTheAttributeTheMappingsVersionStands() {
        assertThat(decode(BILLING, OBJECT, Map.of("other", "9"))).extracting(EventEnvelope::schemaVersion).containsExactly(1);
        assertThat(decode(RENAMED, OBJECT, Map.of())).extracting(EventEnvelope::schemaVersion).containsExactly(3);
    }

    @Test
    void theAttributeNameIsTheFeedsOwn() {
        assertThat(decode(RENAMED, OBJECT, Map.of("payloadVersion", "5", "schemaVersion", "9")))
                .extracting(EventEnvelope::schemaVersion).containsExactly(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "+2", " 2", "2 ", "2.0", "1e3", "two", "", "\u0662", "2147483648",
            "9223372036854775808", "99999999999999999999999999999999", "0x10", "2\u0000", "\u0000"})
    void aDeclaredVersionThatIsNotAWholeNumberFromOneFailsTheMessageNamingTheAttribute(String hostile) {
        assertThatThrownBy(() -> decode(BILLING, OBJECT, Map.of("schemaVersion", hostile)))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("message m-1 on channel 'billing': attribute 'schemaVersion': "
                        + "must be a whole number from 1 to 2147483647, found ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000"));
        assertThatThrownBy(() -> decode(BILLING, structured(",\"schemaversion\":\"" + hostile.replace("\u0000", "\\u0000") + "\""),
                Map.of()))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("message m-1 on channel 'billing': extension 'schemaversion': "
                        + "must be a whole number from 1 to 2147483647, found ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000"));
    }

    @Test
    void aHugeDeclaredVersionIsQuotedShortInTheReason() {
        String huge = "9".repeat(200_000);
        assertThatThrownBy(() -> decode(BILLING, OBJECT, Map.of("schemaVersion", huge)))
                .isInstanceOf(PermanentException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).contains("(200000 characters)"));
    }

    @Test
    void aCloudEventTakesItsExtensionOrElseTheAttributeAndRefusesTwoThatDisagree() {
        assertThat(decode(BILLING, structured(",\"schemaversion\":4"), Map.of())).extracting(EventEnvelope::schemaVersion)
                .containsExactly(4);
        assertThat(decode(BILLING, structured(""), Map.of("schemaVersion", "6"))).extracting(EventEnvelope::schemaVersion)
                .containsExactly(6);
        assertThat(decode(BILLING, structured(",\"schemaversion\":\"6\""), Map.of("schemaVersion", "6")))
                .extracting(EventEnvelope::schemaVersion).containsExactly(6);
        assertThatThrownBy(() -> decode(BILLING, structured(",\"schemaversion\":4"), Map.of("schemaVersion", "6")))
                .isInstanceOf(PermanentException.class)
                .hasMessage("message m-1 on channel 'billing': extension 'schemaversion' declares 4 but attribute "
                        + "'schemaVersion' declares 6");
        Map<String, String> binary = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", "e", "ce-source", "urn:s",
                "ce-type", "T", "ce-subject", "s", "ce-schemaversion", "8"));
        assertThat(decode(BILLING, "{}", binary)).extracting(EventEnvelope::schemaVersion).containsExactly(8);
        binary.put("ce-schemaversion", "0");
        assertThatThrownBy(() -> decode(BILLING, "{}", binary))
                .hasMessage("message m-1 on channel 'billing': extension 'schemaversion': must be a whole number from 1 "
                        + "to 2147483647, found \"0\"");
    }
}
