package io.inlet.aws.sqs;

import io.inlet.outbox.RelayWaker;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Wakes the relay function with one message on its wake queue, which an event source mapping
 * consumes (docs/aws.md, "Relay wake-up"). On a FIFO queue (as deployed) every wake goes to one
 * message group, so one woken relay runs at a time and the wakes sent meanwhile arrive together,
 * and its deduplication id names the wake window ({@code wall-clock millis / window}): of the wakes all
 * instances send in one window, SQS keeps one. The body carries nothing the relay reads. The call
 * is bounded ({@link #CALL_TIMEOUT}) so a slow queue cannot hold an ingestion; a failure throws, and
 * the caller counts and forgets it.
 */
public final class SqsRelayWaker implements RelayWaker {

    /** The longest a wake may hold the ingestion that sends it. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    static final String BODY = "{\"inlet\":\"relay-wake\"}";

    static final String MESSAGE_GROUP = "inlet-relay";

    private final SqsClient sqs;
    private final String queueUrl;
    private final long windowMillis;
    private final boolean fifo;

    public SqsRelayWaker(SqsClient sqs, String queueUrl, Duration window) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.windowMillis = Math.max(1, window.toMillis());
        this.fifo = queueUrl.endsWith(".fifo");
    }

    @Override
    public void wake() {
        sqs.sendMessage(b -> {
            b.queueUrl(queueUrl).messageBody(BODY).overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT));
            if (fifo) b.messageGroupId(MESSAGE_GROUP).messageDeduplicationId("wake-" + System.currentTimeMillis() / windowMillis);
        });
    }
}
