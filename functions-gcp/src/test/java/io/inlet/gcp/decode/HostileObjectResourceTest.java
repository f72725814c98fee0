package io.inlet.gcp.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.Undecodable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded search over hostile GCS object resources (each field absent, JSON null, a number, an object,
 * or text with escapes, NUL, 1,025 bytes, unicode variants), sent through every GCP decoder that reads
 * one: the storage CloudEvent, the JSON_API_V1 notification on Pub/Sub (Eventarc and push). A decoder
 * never throws. Replay: the failing seed is in the assertion message; set {@code SEED} to it.
 */
class HostileObjectResourceTest {

    private static final long SEED = 15_2026L;
    private static final int CASES = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FIELDS = {"bucket", "name", "size", "generation", "md5Hash", "crc32c"};
    private static final Object[] VALUES = {
        Missing.MISSING, null, 0, -1, Long.MAX_VALUE, 1.5, "", " ", "17", "-3", "99999999999999999999", "x",
        "a+b", "a%2Bb", "%", "%zz", "a\u0000b", "e\u0301", "\u00e9", "k".repeat(1025), true,
    };

    private enum Missing { MISSING }

    @Test
    void aNullSizeReadsAsAbsentLikeEveryOtherNullField() {
        String data = "{\"bucket\":\"drop\",\"name\":\"a.csv\",\"generation\":\"1\",\"size\":null}";
        Delivery d = StorageEventDecoder.decode(CloudEventBuilder.v1().withId("ev-n").withType(StorageEventDecoder.FINALIZED)
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/drop"))
                .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build());
        assertThat(d).isNotInstanceOf(Undecodable.class).extracting(x -> ((Delivery.ObjectNotice) x).ref().size()).isNull();
    }

    @Test
    void noHostileResourceMakesAGcpDecoderThrow() {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            long seed = random.nextLong();
            ObjectNode resource = resource(new Random(seed));
            byte[] data = resource.toString().getBytes(StandardCharsets.UTF_8);
            assertThatCode(() -> StorageEventDecoder.decode(CloudEventBuilder.v1().withId("ev").withType(StorageEventDecoder.FINALIZED)
                    .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/drop")).withSubject("objects/a.csv")
                    .withData("application/json", data).build()))
                    .as("storage event, seed %d: %s", seed, resource).doesNotThrowAnyException();
            ObjectNode message = JSON.createObjectNode().put("messageId", "m")
                    .put("data", Base64.getEncoder().encodeToString(data));
            message.putObject("attributes").put("eventType", "OBJECT_FINALIZE").put("payloadFormat", "JSON_API_V1")
                    .put("bucketId", "drop").put("objectId", "a.csv");
            assertThatCode(() -> PubSubMessageDecoder.decode(message, "ch"))
                    .as("notification, seed %d: %s", seed, resource).doesNotThrowAnyException();
            byte[] push = JSON.createObjectNode().put("subscription", "projects/p/subscriptions/s").set("message", message)
                    .toString().getBytes(StandardCharsets.UTF_8);
            assertThatCode(() -> PushEnvelopeDecoder.decode(push, null))
                    .as("push, seed %d: %s", seed, resource).doesNotThrowAnyException();
        }
    }

    private static ObjectNode resource(Random random) {
        ObjectNode node = JSON.createObjectNode();
        for (String field : FIELDS) {
            Object v = VALUES[random.nextInt(VALUES.length)];
            if (v == Missing.MISSING) continue;
            if (v == null) node.putNull(field);
            else if (v instanceof Integer n) node.put(field, n);
            else if (v instanceof Long n) node.put(field, n);
            else if (v instanceof Double n) node.put(field, n);
            else if (v instanceof Boolean b) node.put(field, b);
            else node.put(field, (String) v);
        }
        if (random.nextInt(10) == 0) node.putObject("size");
        return node;
    }
}
