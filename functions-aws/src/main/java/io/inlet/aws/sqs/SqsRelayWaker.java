package io.inlet.aws.sqs;

import io.inlet.outbox.RelayWaker;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Wakes the relay function with one message on its wake queue, which an event source mapping
 * consumes (batches of up to 10 wakes per invocation, at most two invocations at once: the
 * coalescing on the queue's side; docs/aws.md). The body carries nothing the relay reads. The call
 * is bounded ({@link #CALL_TIMEOUT}) so a slow queue cannot hold an ingestion; a failure throws, and
 * the caller counts and forgets it.
 */
public final class SqsRelayWaker implements RelayWaker {

    /** The longest a wake may hold the ingestion that sends it. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    static final String BODY = "{\"inlet\":\"relay-wake\"}";

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsRelayWaker(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void wake() {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(BODY)
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT)));
    }
}
