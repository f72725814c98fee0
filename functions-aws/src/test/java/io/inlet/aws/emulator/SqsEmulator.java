package io.inlet.aws.emulator;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ (an SQS server) in the test JVM, talked to with the real SDK v2 client (JSON protocol).
 * Register with {@code @RegisterExtension static final SqsEmulator SQS = new SqsEmulator();}.
 */
public final class SqsEmulator implements BeforeAllCallback, AfterAllCallback {

    private SQSRestServer server;
    private int port;
    private SqsClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public void start() {
        server = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        port = server.waitUntilStarted().localAddress().getPort();
        client = newClient();
    }

    public void stop() {
        if (client != null) client.close();
        if (server != null) server.stopAndWait();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public SqsClient client() {
        return client;
    }

    public SqsClient newClient() {
        return newClient(new ExecutionInterceptor[0]);
    }

    /** A new client whose calls pass through these interceptors (the SDK's own hook, e.g. to count calls). */
    public SqsClient newClient(ExecutionInterceptor... interceptors) {
        return SqsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** Creates a queue ({@code .fifo} names become FIFO queues) and returns its URL. */
    public String createQueue(String name) {
        return createQueue(name, Map.of());
    }

    public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        Map<QueueAttributeName, String> all = new java.util.HashMap<>(attributes);
        if (name.endsWith(".fifo")) all.put(QueueAttributeName.FIFO_QUEUE, "true");
        return client.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
    }

    /** Creates {@code name} with a dead-letter queue {@code name-dlq} after {@code maxReceiveCount} receives. */
    public DeadLetteredQueue createQueueWithDeadLetter(String name, int maxReceiveCount, int visibilityTimeoutSeconds) {
        String dlqUrl = createQueue(name + "-dlq");
        String dlqArn = client.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = createQueue(name, Map.of(
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}",
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds)));
        String arn = client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return new DeadLetteredQueue(url, arn, dlqUrl);
    }

    public record DeadLetteredQueue(String url, String arn, String deadLetterUrl) {
    }
}
