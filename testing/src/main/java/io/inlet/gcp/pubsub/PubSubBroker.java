package io.inlet.gcp.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A local Pub/Sub endpoint (tests and {@code inlet demo gcp}), reached by the real client over
 * plaintext gRPC at {@link #hostAndPort()}: the real Pub/Sub emulator when installed, else
 * {@link InProcessPubSub} (Google's generated service stubs served in this JVM). Never used by the
 * deployed functions; callers print {@link #describe()} so it is clear which one ran.
 */
public interface PubSubBroker extends AutoCloseable {

    String PROJECT = "test-project";
    Path EMULATOR = Path.of("/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator");

    String hostAndPort();

    String describe();

    void createTopic(String topic) throws Exception;

    /** Creates a subscription that records what is published to the topic from now on. */
    void createSubscription(String topic, String subscription, boolean ordering) throws Exception;

    /** Everything delivered to the subscription so far (waiting up to a few seconds for at least {@code atLeast}). */
    List<PubsubMessage> pull(String subscription, int atLeast) throws Exception;

    @Override
    void close() throws Exception;

    /** The emulator when it is installed here, else the in-process service. */
    static PubSubBroker startBest() throws Exception {
        PubSubBroker broker = Files.isExecutable(EMULATOR) ? PubSubEmulator.start() : InProcessPubSub.start();
        org.slf4j.LoggerFactory.getLogger(PubSubBroker.class).info("local Pub/Sub: {}", broker.describe());
        return broker;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
