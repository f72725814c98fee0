package io.inlet.gcp.pubsub;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Cloud Pub/Sub emulator, started as a child process on a free port; its admin clients reach
 * it over a plaintext channel of their own (this test support depends on no Inlet module).
 */
final class PubSubEmulator implements PubSubBroker {

    private final Process process;
    private final String hostAndPort;
    private final ManagedChannel channel;
    private final TopicAdminClient topics;
    private final SubscriptionAdminClient subscriptions;

    private PubSubEmulator(Process process, String hostAndPort) throws IOException {
        this.process = process;
        this.hostAndPort = hostAndPort;
        this.channel = ManagedChannelBuilder.forTarget(hostAndPort).usePlaintext().build();
        FixedTransportChannelProvider transport = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
        this.topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(transport).setCredentialsProvider(NoCredentialsProvider.create()).build());
        this.subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(transport).setCredentialsProvider(NoCredentialsProvider.create()).build());
    }

    static PubSubEmulator start() throws Exception {
        int port = PubSubBroker.freePort();
        Path log = Files.createTempFile("pubsub-emulator", ".log");
        Process p = new ProcessBuilder(EMULATOR.toString(), "--host=127.0.0.1", "--port=" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            if (Files.readString(log).contains("Server started")) {
                return new PubSubEmulator(p, "127.0.0.1:" + port);
            }
            if (!p.isAlive()) break;
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("Pub/Sub emulator did not start: " + Files.readString(log));
    }

    @Override
    public String hostAndPort() {
        return hostAndPort;
    }

    @Override
    public String describe() {
        return "the real Cloud Pub/Sub emulator at " + hostAndPort;
    }

    @Override
    public void createTopic(String topic) {
        topics.createTopic(TopicName.of(PROJECT, topic));
    }

    @Override
    public void createSubscription(String topic, String subscription, boolean ordering) {
        subscriptions.createSubscription(Subscription.newBuilder()
                .setName(SubscriptionName.of(PROJECT, subscription).toString())
                .setTopic(TopicName.of(PROJECT, topic).toString())
                .setEnableMessageOrdering(ordering)
                .setAckDeadlineSeconds(60).build());
    }

    @Override
    public List<PubsubMessage> pull(String subscription, int atLeast) throws InterruptedException {
        String name = SubscriptionName.of(PROJECT, subscription).toString();
        List<PubsubMessage> all = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            PullResponse r = subscriptions.pull(name, true, 1000);
            List<String> acks = new ArrayList<>();
            for (ReceivedMessage m : r.getReceivedMessagesList()) {
                all.add(m.getMessage());
                acks.add(m.getAckId());
            }
            if (!acks.isEmpty()) {
                subscriptions.acknowledgeCallable().call(AcknowledgeRequest.newBuilder()
                        .setSubscription(name).addAllAckIds(acks).build());
            } else if (all.size() < atLeast) {
                Thread.sleep(100);
            }
        } while (all.size() < atLeast && System.nanoTime() < until);
        return all;
    }

    @Override
    public void close() throws Exception {
        topics.close();
        subscriptions.close();
        channel.shutdown();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
