package io.inlet.gcp.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.TraceContext;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.ObjectChange;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PubSubMessageDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode message(String id, String data, Map<String, String> attributes) {
        ObjectNode m = JSON.createObjectNode().put("messageId", id);
        if (data != null) m.put("data", Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)));
        attributes.forEach(m.putObject("attributes")::put);
        return m;
    }

    @Test
    void notificationAttributesWinAndDisagreeingDataIsUndecodable() {
        var attrs = Map.of("eventType", "OBJECT_FINALIZE", "payloadFormat", "JSON_API_V1", "bucketId", "drop",
                "objectId", "a.csv", "objectGeneration", "9");
        Delivery d = PubSubMessageDecoder.decode(message("m1", "{\"bucket\":\"drop\",\"name\":\"b.csv\"}", attrs), "ch");
        assertThat(((Undecodable) d).reason())
                .isEqualTo("Pub/Sub message m1: notification data names drop/b.csv but attributes name drop/a.csv");
    }

    @Test
    void unknownNotificationTypeIsUndecodable() {
        var attrs = Map.of("eventType", "OBJECT_TELEPORT", "bucketId", "drop", "objectId", "a.csv");
        assertThat(((Undecodable) PubSubMessageDecoder.decode(message("m2", null, attrs), "ch")).reason())
                .isEqualTo("Pub/Sub message m2: unknown GCS notification eventType 'OBJECT_TELEPORT'");
    }

    @Test
    void deleteCarryingOverwrittenByGenerationIsAnOverwriteNotADelete() {
        var attrs = Map.of("eventType", "OBJECT_DELETE", "payloadFormat", "NONE", "bucketId", "drop",
                "objectId", "a.csv", "objectGeneration", "9", "overwrittenByGeneration", "10");
        assertThat(PubSubMessageDecoder.decode(message("m3", null, attrs), "ch")).isEqualTo(
                new ObjectNotice(new ObjectRef("drop", "a.csv", "9", null, null), ObjectChange.OVERWRITTEN,
                        ObjectSequencer.gcsGeneration("9"), null,
                        new InboundMessage("m3", "gcs", "gs://drop/a.csv#9", Map.of("change", "OVERWRITTEN"))));
    }

    @Test
    void aNotificationsClientLibraryTraceparentTravelsWithTheNoticeAndAnInvalidOneIsIgnored() {
        var attrs = Map.of("eventType", "OBJECT_FINALIZE", "payloadFormat", "NONE", "bucketId", "drop",
                "objectId", "a.csv", "objectGeneration", "9",
                "googclient_traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(PubSubMessageDecoder.decode(message("m4", null, attrs), "ch")).isEqualTo(
                new ObjectNotice(new ObjectRef("drop", "a.csv", "9", null, null), ObjectChange.CREATED,
                        ObjectSequencer.gcsGeneration("9"),
                        new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"),
                        new InboundMessage("m4", "gcs", "gs://drop/a.csv#9", Map.of("change", "CREATED"))));

        var invalid = new java.util.HashMap<>(attrs);
        invalid.put("googclient_traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
        assertThat(((ObjectNotice) PubSubMessageDecoder.decode(message("m5", null, invalid), "ch")).trace()).isNull();
    }

    @Test
    void aBinaryCloudEventIsLeftToTheCoreWithItsAttributes() {
        // the decoder does not classify or validate the body: the core reads (or refuses) the CloudEvent once
        var attrs = Map.of("ce-specversion", "1.0", "ce-id", "e1", "ce-source", "//shop");
        assertThat(PubSubMessageDecoder.decode(message("m4", "{}", attrs), "ch"))
                .isEqualTo(new BusinessMessage(new InboundMessage("m4", "ch", "{}", attrs), null));
    }

    @Test
    void messageWithoutIdIsRecordedUnderADigestOfItself() {
        ObjectNode m = JSON.createObjectNode().put("data", "e30=");
        Undecodable u = (Undecodable) PubSubMessageDecoder.decode(m, "ch");
        assertThat(u.reason()).endsWith("message has no messageId");
        assertThat(u.original().messageId()).isEqualTo(Json.digestId(m.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void emptyMessageIsUndecodable() {
        assertThat(((Undecodable) PubSubMessageDecoder.decode(message("m5", null, Map.of()), "ch")).reason())
                .isEqualTo("Pub/Sub message m5: message has no data and is not a GCS notification");
    }

    @Test
    void channelIsConfiguredElseTopicElseSubscription() {
        assertThat(ChannelName.of("orders-in", "//pubsub.googleapis.com/projects/p/topics/t", "projects/p/subscriptions/s"))
                .isEqualTo("orders-in");
        assertThat(ChannelName.of(null, "//pubsub.googleapis.com/projects/p/topics/t", "projects/p/subscriptions/s"))
                .isEqualTo("t");
        assertThat(ChannelName.of(null, null, "projects/p/subscriptions/s")).isEqualTo("s");
    }
}
