package io.inlet.gcp.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.gcp.CloudEventFiles;
import io.inlet.gcp.Samples;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectSequencer;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.ObjectChange;
import java.util.List;
import io.inlet.source.ObjectRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every payload in events-samples/gcp and shared/samples/gcp decodes to exactly the
 * expected result. A sample file without a row here fails {@link #everySampleHasAnExpectation()}.
 */
class SampleDecodingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String B = "inlet-vendor-drop";
    private static final String K3 = "orders/2026/01/orders-0003.csv";
    private static final String MD5 = "1B2M2Y8AsgTpgAmY7PhCfg==";

    static final Map<String, Consumer<Object>> OWN = new LinkedHashMap<>();
    static final Map<String, Consumer<Object>> SHARED = new LinkedHashMap<>();

    static {
        OWN.put("storage-finalized-structured-string-fields.json", notice(
                new ObjectRef(B, "orders/2026/01/orders 0001+eu.csv", "1737000000000001", MD5, 1234L),
                ObjectChange.CREATED, "9245398721456123", null));
        OWN.put("storage-finalized-structured-number-fields.json", notice(
                new ObjectRef(B, "orders/2026/01/orders-0002.csv", "1737000000000002", "rL0Y20zC+Fzt72VPzMSk2A==", 2048L),
                ObjectChange.CREATED, "9245398721456124", null));
        OWN.put("storage-finalized-structured-new-generation.json", notice(
                new ObjectRef(B, "orders/2026/01/orders-0002.csv", "1737000000000099", "XUFAKrxLKna5cZ2REBfFkg==", 2050L),
                ObjectChange.CREATED, "9245398721456125", null));
        OWN.put("storage-finalized-binary.http", notice(
                new ObjectRef(B, "inbound/a/b.csv", "1737000000000003", "CY9rzUYh03PK3k6DJie09g==", 77L),
                ObjectChange.CREATED, "9245398721456126", null));
        OWN.put("pubsub-gcs-finalize-overwrote.json", notice(
                new ObjectRef(B, K3, "1737000000000200", MD5, 1234L), ObjectChange.CREATED, "11000000001", null));
        OWN.put("pubsub-gcs-delete-overwritten.json", notice(
                new ObjectRef(B, K3, "1737000000000100", MD5, 1234L), ObjectChange.OVERWRITTEN, "11000000002", "1737000000000200"));
        OWN.put("pubsub-gcs-delete.json", notice(
                new ObjectRef(B, K3, "1737000000000200", MD5, 1234L), ObjectChange.REMOVED, "11000000003", null));
        OWN.put("pubsub-gcs-archive.json", notice(
                new ObjectRef(B, K3, "1737000000000200", MD5, 1234L), ObjectChange.REMOVED, "11000000004", null));
        OWN.put("pubsub-gcs-archive-overwritten.json", notice(
                new ObjectRef(B, K3, "1737000000000200", MD5, 1234L), ObjectChange.OVERWRITTEN, "11000000005", "1737000000000300"));
        OWN.put("pubsub-gcs-metadata-update.json", notice(
                new ObjectRef(B, K3, "1737000000000200", MD5, 1234L), ObjectChange.METADATA_UPDATED, "11000000006", null));
        OWN.put("pubsub-gcs-finalize-payload-none.json", notice(
                new ObjectRef(B, "orders/2026/01/orders-0004.csv", "1737000000000400", null, null),
                ObjectChange.CREATED, "11000000007", null));
        OWN.put("pubsub-business-plain-json.json", business("12000000001", "orders", "/orderId", "o-1001", Map.of("source", "shop")));
        // an array is plain JSON too: the core maps each element
        OWN.put("pubsub-business-plain-json-array.json", business("12000000008", "orders", "/1/orderId", "o-2002", Map.of("source", "shop", "schemaVersion", "2")));
        OWN.put("push-business-plain-json-array.json", push(1, business("13000000008", "inlet-orders-push",
                "/0/orderId", "o-2101", Map.of("schemaVersion", "3"))));
        // decoding passes attributes on as they are; the core refuses the declared version
        OWN.put("pubsub-poison-schema-version.json", business("12000000009", "orders", "/orderId", "o-2201", Map.of("schemaVersion", "2\u0000")));
        OWN.put("pubsub-business-structured-cloudevent.json", business("12000000002", "orders",
                "/data/orderId", "o-1002",
                Map.of("content-type", "application/cloudevents+json")));
        OWN.put("pubsub-business-binary-cloudevent.json", business("12000000003", "orders",
                "/orderId", "o-1003", null));
        OWN.put("pubsub-poison-not-json.json", unclassified("12000000004", "orders", "order o-1004 for c-7, 42.50 EUR"));
        OWN.put("pubsub-poison-not-base64.json", undecodable("12000000005", "orders",
                "Pub/Sub message 12000000005: message.data is not base64", null));
        OWN.put("pubsub-poison-bad-cloudevent.json", unclassified("12000000006", "orders", null));
        OWN.put("push-business-plain-json.json", push(1, business("13000000001", "inlet-orders-push",
                "/orderId", "o-1005", Map.of())));
        OWN.put("push-business-structured-cloudevent.json", push(3, business("13000000002", "inlet-orders-push",
                "/data/orderId", "o-1006", Map.of())));
        OWN.put("push-gcs-finalize.json", push(1, notice(
                new ObjectRef(B, "orders/2026/01/orders-0005.csv", "1737000000000500", MD5, 1234L),
                ObjectChange.CREATED, "13000000003", null)));
        OWN.put("push-poison-not-json.json", push(5, unclassified("13000000004", "inlet-orders-push", "<order id='o-1007'/>")));
        OWN.put("push-poison-envelope-truncated.json", d -> {
            PushDelivery p = (PushDelivery) d;
            assertThat(p.deliveryAttempt()).isZero();
            assertThat(p.subscription()).isNull();
            Undecodable u = (Undecodable) p.content();
            assertThat(u.reason()).startsWith("push delivery: push request body is not JSON");
            assertThat(u.original().messageId()).startsWith("sha256:").hasSize(71);
            assertThat(u.original().channel()).isEqualTo("pubsub");
        });

        SHARED.put("cloudevent-storage-finalized-structured.json", notice(
                new ObjectRef("some-bucket", "folder/Test.cs", "1587627537231057", "kF8MuJ5+CTJxvyhHS1xzRg==", 352L),
                ObjectChange.CREATED, "aaaaaa-1111-bbbb-2222-cccccccccccc", null));
        SHARED.put("cloudevent-storage-finalized-structured-eventarc-workflows.json", notice(
                new ObjectRef("sample-bucket", "MyFile", "96883251", "xrX0h3SqCoeoKidv+GvlBw==", 0L),
                ObjectChange.CREATED, "1234567", null));
        // The docs sample names MY_BUCKET in the data and MY-BUCKET-NAME in the source: the data wins.
        SHARED.put("cloudevent-storage-finalized-binary-docs-sample.http", notice(
                new ObjectRef("MY_BUCKET", "MY_FILE.txt", null, "...", 352L), ObjectChange.CREATED, "1234-5678", null));
        // Their data is the text "test message 3": not an event any feed can read.
        SHARED.put("cloudevent-pubsub-message-published.json", unclassified("aaaaaa-1111-bbbb-2222-cccccccccccc", "gcf-test", "test message 3"));
        SHARED.put("cloudevent-pubsub-message-published-ordering-key.json", unclassified("message-id", "my-topic", "test message 3"));
    }

    static Stream<Arguments> ownSamples() {
        return OWN.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    static Stream<Arguments> sharedSamples() {
        return SHARED.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownSamples")
    void ownSampleDecodesToItsExpectedMeaning(String file, Consumer<Object> expectation) throws Exception {
        expectation.accept(decode(Samples.own().resolve(file)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sharedSamples")
    void googleReferenceSampleDecodesToItsExpectedMeaning(String file, Consumer<Object> expectation) throws Exception {
        var dir = Samples.shared();
        assumeTrue(dir.isPresent(), "shared/samples/gcp is absent beside the checkout: Google's reference payloads not tested");
        expectation.accept(decode(dir.get().resolve(file)));
    }

    @Test
    void everySampleHasAnExpectation() {
        assertThat(Samples.files(Samples.own()).stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("README.md"))).containsExactlyInAnyOrderElementsOf(OWN.keySet());
        Samples.shared().ifPresent(dir -> assertThat(Samples.files(dir).stream().map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrderElementsOf(SHARED.keySet()));
    }

    /** Decodes a sample with the decoder its trigger uses, chosen by the file name's prefix. */
    static Object decode(Path file) throws Exception {
        String name = file.getFileName().toString();
        if (name.startsWith("push-")) return PushEnvelopeDecoder.decode(Files.readAllBytes(file), null);
        if (name.contains("storage-")) return StorageEventDecoder.decode(CloudEventFiles.read(file));
        return MessagePublishedDecoder.decode(CloudEventFiles.read(file), null);
    }

    /** {@code overwrittenBy} is for the reader: an OVERWRITTEN notice asks for nothing, whichever generation replaced it. */
    private static Consumer<Object> notice(ObjectRef ref, ObjectChange change, String id, String overwrittenBy) {
        return d -> {
            assertThat(d).isInstanceOf(ObjectNotice.class);
            ObjectNotice n = (ObjectNotice) d;
            assertThat(List.of(n.ref(), n.change(), n.noticeId())).isEqualTo(List.of(ref, change, id));
            assertThat(n.sequencer()).isEqualTo(ObjectSequencer.gcsGeneration(ref.version()));
        };
    }

    /** A business message whose body is not classified here (not JSON, a malformed CloudEvent): the core refuses it. */
    private static Consumer<Object> unclassified(String id, String channel, String body) {
        return d -> {
            assertThat(d).isInstanceOf(BusinessMessage.class);
            InboundMessage in = ((BusinessMessage) d).message();
            assertThat(List.of(in.messageId(), in.channel())).isEqualTo(List.of(id, channel));
            if (body != null) assertThat(in.body()).isEqualTo(body);
        };
    }

    private static Consumer<Object> business(String id, String channel,
                                             String pointer, String value, Map<String, String> attributes) {
        return d -> {
            assertThat(d).isInstanceOf(BusinessMessage.class);
            BusinessMessage m = (BusinessMessage) d;
            InboundMessage in = m.message();
            assertThat(in.messageId()).isEqualTo(id);
            assertThat(in.channel()).isEqualTo(channel);
            if (attributes != null) assertThat(in.attributes()).isEqualTo(attributes);
            try {
                JsonNode body = JSON.readTree(in.body());
                assertThat(body.at(pointer).asText()).isEqualTo(value);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    private static Consumer<Object> undecodable(String id, String channel, String reasonStart, String body) {
        return d -> {
            assertThat(d).isInstanceOf(Undecodable.class);
            Undecodable u = (Undecodable) d;
            assertThat(u.reason()).startsWith(reasonStart);
            assertThat(u.original().messageId()).isEqualTo(id);
            assertThat(u.original().channel()).isEqualTo(channel);
            if (body != null) assertThat(u.original().body()).isEqualTo(body);
        };
    }

    private static Consumer<Object> push(int attempt, Consumer<Object> content) {
        return d -> {
            PushDelivery p = (PushDelivery) d;
            assertThat(p.deliveryAttempt()).isEqualTo(attempt);
            assertThat(p.subscription()).startsWith("projects/inlet-prod/subscriptions/inlet-");
            content.accept(p.content());
        };
    }
}
