package io.inlet.gcp.pubsub;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * How the clients reach Pub/Sub: Google's endpoint with application default credentials, or an
 * emulator at {@code host:port} over plaintext without credentials. The Java client does not read
 * PUBSUB_EMULATOR_HOST itself, so the channel is built here.
 */
public final class PubSubConnection implements AutoCloseable {

    private final ManagedChannel channel;

    private PubSubConnection(ManagedChannel channel) {
        this.channel = channel;
    }

    public static PubSubConnection google() {
        return new PubSubConnection(null);
    }

    public static PubSubConnection emulator(String hostAndPort) {
        return new PubSubConnection(ManagedChannelBuilder.forTarget(hostAndPort).usePlaintext().build());
    }

    public boolean isEmulator() {
        return channel != null;
    }

    /** The channel provider for client builders, or null for the client's default (Google's endpoint). */
    public TransportChannelProvider channelProvider() {
        return channel == null ? null : FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    }

    /** No credentials for an emulator; null for the client's default (application default credentials). */
    public CredentialsProvider credentialsProvider() {
        return channel == null ? null : NoCredentialsProvider.create();
    }

    @Override
    public void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdown();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
