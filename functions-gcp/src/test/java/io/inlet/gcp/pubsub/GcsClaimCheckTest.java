package io.inlet.gcp.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.gcp.decode.MessagePublishedDecoder;
import io.inlet.gcp.storage.GcsClaimCheck;
import io.inlet.gcp.storage.GcsPointerResolver;
import io.inlet.ingest.InboundMessage;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.SettingException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GCS claim checks for Pub/Sub on the GCS test storage and the in-process Pub/Sub service: a message over
 * the threshold is published as a {@code io.inlet.GcsPointer} with {@code inletPayloadSize}, read back by a
 * consumer that knows only the format and by Inlet's decoder and resolver; inbound pointers are read from
 * allowed buckets only; a missing object is given up; a storage failure is retried.
 */
class GcsClaimCheckTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger RUN = new AtomicInteger();

    @Test
    void aLargeEventIsPublishedAsAGcsPointerAndResolvedByAPlainConsumerAndByInlet() throws Exception {
        Storage storage = LocalStorageHelper.getOptions().getService();
        String suffix = "-" + RUN.incrementAndGet();
        String body = "{\"specversion\":\"1.0\",\"blob\":\"" + "z".repeat(5000) + "\"}";
        String small = "{\"specversion\":\"1.0\",\"small\":true}";
        try (InProcessPubSub broker = InProcessPubSub.start();
             PubSubConnection connection = PubSubConnection.emulator(broker.hostAndPort())) {
            broker.createTopic("big" + suffix);
            broker.createSubscription("big" + suffix, "big-sub" + suffix, true);
            GcsClaimCheck claimCheck = new GcsClaimCheck("inlet-claims", "outbox/", 1000, Set.of());
            PublishResult result;
            OutboxMessage big = message(1, body);
            try (PubSubEventPublisher publisher = new PubSubEventPublisher(Map.of("orders",
                    TopicName.of(PubSubBroker.PROJECT, "big" + suffix)), Set.of("orders"), PublishSettings.DEFAULTS, connection,
                    claimCheck, storage)) {
                result = publisher.publish(List.of(big, message(2, small)));
            }
            assertThat(result.failed()).isEmpty();
            List<PubsubMessage> received = broker.pull("big-sub" + suffix, 2);
            // the two events have different ordering keys, so they may arrive in either order: found by content
            assertThat(received).hasSize(2);
            PubsubMessage smallMessage = received.stream().filter(m -> m.getData().toStringUtf8().equals(small)).findFirst()
                    .orElseThrow(() -> new AssertionError("the small event was not published as it is: " + received));
            PubsubMessage pointerMessage = received.get(received.get(0) == smallMessage ? 1 : 0);

            // a consumer with only the format
            JsonNode pointer = JSON.readTree(pointerMessage.getData().toStringUtf8());
            assertThat(pointer.get(0).asText()).isEqualTo("io.inlet.GcsPointer");
            assertThat(pointer.get(1).get("bucket").asText()).isEqualTo("inlet-claims");
            assertThat(pointer.get(1).get("name").asText()).isEqualTo("outbox/orders/" + big.eventId() + ".json");
            assertThat(pointerMessage.getAttributesMap()).containsEntry("inletPayloadSize", Integer.toString(body.length()))
                    .containsEntry("eventType", "OrderPlaced");
            assertThat(new String(storage.readAllBytes(BlobId.of(pointer.get(1).get("bucket").asText(),
                    pointer.get(1).get("name").asText())), StandardCharsets.UTF_8)).isEqualTo(body);
            assertThat(smallMessage.getAttributesMap()).doesNotContainKey("inletPayloadSize");

            // Inlet: the function's decoder, then the resolver
            Delivery resolved = new GcsPointerResolver(storage, claimCheck.pointerBuckets())
                    .resolve(MessagePublishedDecoder.decode(messagePublished(pointerMessage), "orders"));
            assertThat(resolved).isInstanceOfSatisfying(BusinessMessage.class, b -> {
                assertThat(b.message().body()).isEqualTo(body);
                assertThat(b.message().attributes()).containsEntry("eventType", "OrderPlaced")
                        .doesNotContainKey("inletPayloadSize");
            });
        }
    }

    @Test
    void aMessageOverTheThresholdWithoutAClaimCheckBucketFailsNamingTheSetting() throws Exception {
        String suffix = "-" + RUN.incrementAndGet();
        try (InProcessPubSub broker = InProcessPubSub.start();
             PubSubConnection connection = PubSubConnection.emulator(broker.hostAndPort())) {
            broker.createTopic("nobucket" + suffix);
            try (PubSubEventPublisher publisher = new PubSubEventPublisher(Map.of("orders",
                    TopicName.of(PubSubBroker.PROJECT, "nobucket" + suffix)), Set.of(), PublishSettings.DEFAULTS, connection,
                    new GcsClaimCheck(null, "", 100, Set.of()), null)) {
                PublishResult result = publisher.publish(List.of(message(3, "x".repeat(200))));
                assertThat(result.failed().get(3L)).startsWith("claim check failed: message of ")
                        .endsWith("and no claim-check bucket is configured (INLET_CLAIM_CHECK_BUCKET)");
            }
        }
    }

    @Test
    void aPointerToAnAllowedBucketIsResolvedAndToAnyOtherIsGivenUpWithoutBeingFetched() {
        Storage storage = LocalStorageHelper.getOptions().getService();
        storage.create(BlobInfo.newBuilder("partner", "in/1").build(), "[{\"n\":1}]".getBytes(StandardCharsets.UTF_8));
        storage.create(BlobInfo.newBuilder("elsewhere", "in/1").build(), "[{\"n\":1}]".getBytes(StandardCharsets.UTF_8));
        AtomicInteger reads = new AtomicInteger();
        Storage counting = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("get") || method.getName().startsWith("read")) reads.incrementAndGet();
                    try {
                        return method.invoke(storage, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        GcsPointerResolver resolver = new GcsPointerResolver(counting, Set.of("partner"));

        Delivery ok = resolver.resolve(business(pointer("partner", "in/1"), Map.of("inletPayloadSize", "9", "k", "v")));
        assertThat(ok).isInstanceOfSatisfying(BusinessMessage.class, b -> {
            assertThat(b.message().body()).isEqualTo("[{\"n\":1}]");
            assertThat(b.message().attributes()).isEqualTo(Map.of("k", "v"));
        });
        int readsBefore = reads.get();
        Delivery refused = resolver.resolve(business(pointer("elsewhere", "in/1"), Map.of("inletPayloadSize", "9")));
        assertThat(reads.get()).isEqualTo(readsBefore);
        assertThat(refused).isInstanceOfSatisfying(Undecodable.class, u -> assertThat(u.reason()).isEqualTo(
                "large-message pointer names bucket 'elsewhere', which is not in INLET_CLAIM_CHECK_ALLOWED_BUCKETS [partner];"
                        + " not fetched"));
        Delivery missing = resolver.resolve(business(pointer("partner", "gone"), Map.of("inletPayloadSize", "9")));
        assertThat(missing).isInstanceOfSatisfying(Undecodable.class, u -> assertThat(u.reason())
                .isEqualTo("large-message object gs://partner/gone does not exist"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"n\":1}", "[\"io.inlet.GcsPointer\",{\"bucket\":\"partner\"}]",
            "[\"io.inlet.GcsPointer\",{\"bucket\":7,\"name\":\"k\"}]", "[\"io.inlet.GcsPointer\",\"k\"]"})
    void aMessageMarkedAsAPointerWhoseDataIsNotOneIsGivenUp(String data) {
        GcsPointerResolver resolver = new GcsPointerResolver(LocalStorageHelper.getOptions().getService(), Set.of("partner"));
        Delivery d = resolver.resolve(business(data, Map.of("inletPayloadSize", "9")));
        assertThat(d).isInstanceOfSatisfying(Undecodable.class, u -> assertThat(u.reason())
                .containsAnyOf("is not a io.inlet.GcsPointer pointer", "large-message pointer is malformed"));
    }

    @Test
    void anOrdinaryMessageOrArrayPassesUnchanged() {
        GcsPointerResolver resolver = new GcsPointerResolver(LocalStorageHelper.getOptions().getService(), Set.of());
        Delivery plain = business("[{\"n\":1},{\"n\":2}]", Map.of());
        assertThat(resolver.resolve(plain)).isSameAs(plain);
    }

    @Test
    void aStorageFailureIsRetriedNotGivenUp() {
        Storage failing = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    throw new StorageException(503, "backend unavailable");
                });
        GcsPointerResolver resolver = new GcsPointerResolver(failing, Set.of("partner"));
        assertThatThrownBy(() -> resolver.resolve(business(pointer("partner", "in/1"), Map.of("inletPayloadSize", "9"))))
                .isInstanceOf(GcsPointerResolver.PayloadUnavailableException.class)
                .hasMessageContaining("reading large-message object gs://partner/in/1 failed");
    }

    @Test
    void theThresholdIsValidatedAtStartUpUpToPubSubsTenMegabytes() {
        assertThat(GcsClaimCheck.fromEnvironment(new EnvironmentVariables(Map.of())).thresholdBytes()).isEqualTo(10_000_000);
        assertThatThrownBy(() -> GcsClaimCheck.fromEnvironment(new EnvironmentVariables(Map.of(
                "INLET_CLAIM_CHECK_THRESHOLD_BYTES", "10000001")))).isInstanceOf(SettingException.class)
                .hasMessage("INLET_CLAIM_CHECK_THRESHOLD_BYTES must be 1..10000000 (was 10000001)");
        assertThatThrownBy(() -> GcsClaimCheck.fromEnvironment(new EnvironmentVariables(Map.of(
                "INLET_CLAIM_CHECK_THRESHOLD_BYTES", "0")))).isInstanceOf(SettingException.class);
        assertThat(GcsClaimCheck.fromEnvironment(new EnvironmentVariables(Map.of("INLET_CLAIM_CHECK_BUCKET", "inlet-claims",
                "INLET_CLAIM_CHECK_ALLOWED_BUCKETS", "partner-a,partner-b"))).pointerBuckets())
                .containsExactly("inlet-claims", "partner-a", "partner-b");
    }

    // ---------------------------------------------------------------- helpers

    static OutboxMessage message(long id, String body) {
        UUID eventId = UUID.nameUUIDFromBytes(("gcs-claim-" + id + "-" + RUN.get()).getBytes());
        return new OutboxMessage(id, "orders", eventId, "OrderPlaced", 1, "order-" + id, "corr-" + id, body);
    }

    static String pointer(String bucket, String name) {
        ObjectNode p = JSON.createObjectNode().put("bucket", bucket).put("name", name);
        return JSON.createArrayNode().add("io.inlet.GcsPointer").add(p).toString();
    }

    static Delivery business(String body, Map<String, String> attributes) {
        return new BusinessMessage(new InboundMessage("m-" + UUID.randomUUID(), "orders", body, attributes), null);
    }

    /** The messagePublished CloudEvent Eventarc delivers for a pulled message. */
    static CloudEvent messagePublished(PubsubMessage m) throws Exception {
        ObjectNode message = JSON.createObjectNode()
                .put("data", Base64.getEncoder().encodeToString(m.getData().toByteArray()))
                .put("messageId", m.getMessageId())
                .put("publishTime", "2026-01-15T10:10:00Z");
        m.getAttributesMap().forEach(message.putObject("attributes")::put);
        ObjectNode data = JSON.createObjectNode();
        data.put("subscription", "projects/" + PubSubBroker.PROJECT + "/subscriptions/eventarc-big");
        data.set("message", message);
        return CloudEventBuilder.v1().withId(m.getMessageId()).withType(MessagePublishedDecoder.TYPE)
                .withSource(URI.create("//pubsub.googleapis.com/projects/" + PubSubBroker.PROJECT + "/topics/big"))
                .withDataContentType("application/json").withData(JSON.writeValueAsBytes(data)).build();
    }
}
