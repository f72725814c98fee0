package io.inlet.infra.aws;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * A queue and its dead-letter queue. After {@code maxReceiveCount} failed receives a message moves to
 * the DLQ instead of being retried for ever; the DLQ keeps it for the 14-day maximum so that it can be
 * inspected and redriven (docs/deploy.md). A FIFO queue gets a FIFO DLQ, as SQS requires.
 */
public final class QueueWithDeadLetter extends Construct {

    private static final Duration MAX_RETENTION = Duration.days(14);
    /**
     * A standard queue keeps a message's original enqueue time when it moves to the DLQ, so the source
     * retention stays well below the DLQ's, or a message could expire in the DLQ on arrival.
     */
    private static final Duration SOURCE_RETENTION = Duration.days(4);

    private final Queue queue;
    private final Queue deadLetterQueue;

    public QueueWithDeadLetter(Construct scope, String id, boolean fifo, int visibilityTimeoutSeconds, int maxReceiveCount) {
        super(scope, id);
        this.deadLetterQueue = Queue.Builder.create(this, "DeadLetter")
                .fifo(fifo ? true : null)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(MAX_RETENTION)
                .build();
        this.queue = Queue.Builder.create(this, "Queue")
                .fifo(fifo ? true : null)
                // Deduplication ids are set by the publisher (the event id), never derived from content.
                .contentBasedDeduplication(fifo ? false : null)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(SOURCE_RETENTION)
                .visibilityTimeout(Duration.seconds(visibilityTimeoutSeconds))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetterQueue).maxReceiveCount(maxReceiveCount).build())
                .build();
    }

    public Queue queue() {
        return queue;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}
