package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.inlet.aws.decode.SqsBodyDecoder;
import io.inlet.aws.decode.SqsDelivery;
import io.inlet.aws.sqs.PointerResolver;
import io.inlet.aws.sqs.SqsBatch;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Verdict;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SQS event source mapping with {@code ReportBatchItemFailures}: returns only the ids of the
 * records that must come back. The batch rules (item failures, FIFO group stop, time budget) are
 * {@link SqsBatch}'s; this handles one record:
 *
 * <ul>
 *   <li>a large-message pointer (SQS Extended Client / Powertools format) is first resolved from S3
 *       ({@link PointerResolver}: allow-listed buckets only); a refused pointer is given up with its reason, an
 *       S3 failure leaves the record to come back;</li>
 *   <li>its body is decoded (S3 notification, SNS envelope, EventBridge event, {@code s3:TestEvent},
 *       or a business message) and each delivery handed to the core's {@code DeliveryHandler};</li>
 *   <li>DONE -> deleted. GAVE_UP (recorded with its reason by the handler, as on every path) -> reported
 *       failed, so the queue's redrive policy moves it to the dead-letter queue after
 *       {@code maxReceiveCount};</li>
 *   <li>RETRY, RETRY_LATER -> reported failed and redelivered after the visibility timeout; a file
 *       suspended at the deadline is sent on at once as a continuation instead.</li>
 * </ul>
 */
public final class SqsIngestHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger log = LoggerFactory.getLogger(SqsIngestHandler.class);

    private final Supplier<FunctionEnvironment> environment;

    public SqsIngestHandler() {
        SnapStartPriming.register();
        this.environment = FunctionEnvironment::shared;
    }

    public SqsIngestHandler(FunctionEnvironment environment) {
        this.environment = () -> environment;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        FunctionEnvironment env = environment.get();
        env.beginInvocation();
        try (InvocationContext invocation = InvocationContext.open(context, env)) {
            return SqsBatch.process(event, invocation::hasTimeLeft, record -> process(env, record, invocation));
        }
    }

    /** @return true when the record is done with and may be deleted from the queue */
    private static boolean process(FunctionEnvironment env, SQSMessage delivered, InvocationContext invocation) {
        SQSMessage record = delivered;
        PointerResolver.Resolution resolution = env.pointers().resolve(delivered);
        if (resolution instanceof PointerResolver.Resolved resolved) {
            record = resolved.message();
        } else if (resolution instanceof PointerResolver.Refused refused) {
            Delivery poison = SqsBodyDecoder.undecodable(delivered, channelOf(env, delivered), refused.reason());
            return env.deliveries().handle(poison, invocation.deadline()).outcome() == Verdict.Outcome.DONE;
        } else if (resolution instanceof PointerResolver.Unavailable unavailable) {
            log.atWarn().addKeyValue("messageId", delivered.getMessageId())
                    .log("large-message pointer not resolved, the message will be redelivered: {}", unavailable.reason());
            return false;
        }
        for (Delivery delivery : env.bodyDecoder().decode(record, channelOf(env, record))) {
            Verdict verdict = env.deliveries().handle(delivery, invocation.deadline());
            if (verdict.suspended()) return handOn(env, record, verdict);
            if (verdict.outcome() != Verdict.Outcome.DONE) return false;
        }
        return true;
    }

    /**
     * The deadline came first: send the notification back to its queue now (the next invocation
     * resumes from the checkpoint) and let this message go; if that fails, the message is reported
     * failed and comes back after the visibility timeout instead.
     */
    private static boolean handOn(FunctionEnvironment env, SQSMessage record, Verdict verdict) {
        try {
            env.continuations().send(record, verdict.file());
            log.atInfo().addKeyValue("fileId", verdict.file().fileId())
                    .addKeyValue("nextRecord", verdict.file().continueFrom() == null ? null
                            : verdict.file().continueFrom().nextRecordNumber())
                    .log("file suspended at the deadline; continuation sent");
            return true;
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("continuation not sent, the message will be redelivered: {}", e.getMessage());
            return false;
        }
    }

    private static String channelOf(FunctionEnvironment env, SQSMessage record) {
        String configured = env.settings().channel();
        if (configured != null) return configured;
        String queue = SqsDelivery.queueName(record.getEventSourceArn());
        return queue == null ? "sqs" : queue;
    }
}
