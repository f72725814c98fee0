package io.inlet.infra.aws;

/**
 * How S3 tells Inlet that a vendor object was written.
 *
 * <p>{@link #SQS} is the default because the queue absorbs bursts, its redrive policy sends a
 * notification that keeps failing to a dead-letter queue, and the event source mapping bounds the
 * concurrency that reaches the database. The two direct variants trade that buffer for latency; both
 * still end in a dead-letter queue (Lambda's on-failure destination, or the EventBridge target's DLQ).
 * An SNS fan-in (bucket -> SNS topic -> the ingest queue, raw delivery on or off) is handled by the
 * same SQS handler and is described in docs/deploy.md.
 */
public enum ObjectDelivery {
    /** S3 event notification -> ingest SQS queue -> {@code SqsIngestHandler} (event source mapping). */
    SQS,
    /** S3 event notification invokes {@code S3ObjectHandler} directly (asynchronous invocation). */
    LAMBDA,
    /** S3 -> EventBridge "Object Created" rule -> {@code EventBridgeObjectHandler}. */
    EVENTBRIDGE
}
