package io.inlet.gcp.pubsub;

import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublishResponse;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Topic;
import com.google.pubsub.v1.TopicName;
import com.google.protobuf.Timestamp;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the emulator cannot run: the real {@code google.pubsub.v1.Publisher} gRPC service (Google's
 * generated {@link PublisherGrpc.PublisherImplBase}) served on a local port, so the real client
 * speaks the real wire protocol. Subscriptions are in-memory copies of what their topic received
 * (only the publishing side goes over the wire).
 */
final class InProcessPubSub extends PublisherGrpc.PublisherImplBase implements PubSubBroker {

    private final Map<String, List<String>> subscriptionsByTopic = new ConcurrentHashMap<>();
    private final Map<String, List<PubsubMessage>> delivered = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1_000_000);
    /** Topic names that exist; publishing elsewhere answers NOT_FOUND as Pub/Sub does. */
    private final java.util.Set<String> topicsKnown = ConcurrentHashMap.newKeySet();
    private Server server;

    static InProcessPubSub start() throws Exception {
        InProcessPubSub service = new InProcessPubSub();
        service.server = Grpc.newServerBuilderForPort(PubSubBroker.freePort(), InsecureServerCredentials.create())
                .addService(service).build().start();
        return service;
    }

    @Override
    public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
        if (!topicsKnown.contains(request.getTopic())) {
            response.onError(Status.NOT_FOUND.withDescription("Topic not found").asRuntimeException());
            return;
        }
        PublishResponse.Builder r = PublishResponse.newBuilder();
        long now = System.currentTimeMillis();
        for (PubsubMessage m : request.getMessagesList()) {
            String id = Long.toString(ids.incrementAndGet());
            PubsubMessage stored = m.toBuilder().setMessageId(id)
                    .setPublishTime(Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000))
                    .build();
            for (String sub : subscriptionsByTopic.getOrDefault(request.getTopic(), List.of())) {
                delivered.get(sub).add(stored);
            }
            r.addMessageIds(id);
        }
        response.onNext(r.build());
        response.onCompleted();
    }

    @Override
    public void createTopic(Topic request, StreamObserver<Topic> response) {
        topicsKnown.add(request.getName());
        response.onNext(request);
        response.onCompleted();
    }

    @Override
    public String hostAndPort() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public String describe() {
        return "an in-process google.pubsub.v1.Publisher gRPC service (Google's generated stubs) at " + hostAndPort();
    }

    @Override
    public void createTopic(String topic) {
        topicsKnown.add(TopicName.of(PROJECT, topic).toString());
    }

    @Override
    public void createSubscription(String topic, String subscription, boolean ordering) {
        delivered.put(subscription, new CopyOnWriteArrayList<>());
        subscriptionsByTopic.computeIfAbsent(TopicName.of(PROJECT, topic).toString(), t -> new CopyOnWriteArrayList<>())
                .add(subscription);
    }

    @Override
    public List<PubsubMessage> pull(String subscription, int atLeast) {
        return new ArrayList<>(delivered.get(subscription));
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
