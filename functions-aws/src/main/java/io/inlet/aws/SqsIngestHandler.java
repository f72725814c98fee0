package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.inlet.aws.decode.DecodedPayload;
import io.inlet.aws.decode.DecodedPayload.BusinessMessage;
import io.inlet.aws.decode.DecodedPayload.ObjectNotices;
import io.inlet.aws.decode.DecodedPayload.TestEvent;
import io.inlet.aws.decode.DecodedPayload.Undecodable;
import io.inlet.aws.decode.ObjectNotice;
import io.inlet.aws.decode.SqsDelivery;
import io.inlet.event.TraceContext;
import io.inlet.failure.PermanentException;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * An SQS event source mapping with {@code ReportBatchItemFailures}: returns only the ids of the
 * records that must come back.
 *
 * <ul>
 *   <li>Each record's body is decoded (S3 notification, SNS envelope, EventBridge event,
 *       {@code s3:TestEvent}, or a business event) and handed to the core.</li>
 *   <li>A permanent failure (undecodable body, no feed, malformed event) is recorded with its
 *       reason via {@code Inlet.recordFailedMessage} and reported failed, so the queue's redrive
 *       policy moves it to the dead-letter queue after {@code maxReceiveCount}; it never fails
 *       the batch.</li>
 *   <li>A retryable failure, or a file left unfinished (deadline, lease held elsewhere), is
 *       reported failed and redelivered after the visibility timeout.</li>
 *   <li>FIFO: once a record of a message group fails, the later records of that group are reported
 *       failed without being processed; other groups go on.</li>
 *   <li>When the remaining time drops under the safety margin, no further record is started; all
 *       the rest are reported failed, so nothing is left half-done.</li>
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
        List<BatchItemFailure> failures = new ArrayList<>();
        List<SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        try (InvocationContext invocation = InvocationContext.open(context, env.settings().safetyMargin())) {
            Set<String> failedGroups = new HashSet<>();
            int done = 0;
            int skippedForTime = 0;
            for (SQSMessage record : records) {
                SqsDelivery delivery = SqsDelivery.of(record);
                if (skippedForTime > 0 || !invocation.hasTimeLeft()) {
                    skippedForTime++;
                    failures.add(new BatchItemFailure(delivery.messageId()));
                    continue;
                }
                if (delivery.fifo() && failedGroups.contains(delivery.messageGroupId())) {
                    failures.add(new BatchItemFailure(delivery.messageId()));
                    continue;
                }
                MDC.put("messageId", delivery.messageId());
                boolean ok = process(env, record, invocation);
                MDC.remove("messageId");
                if (ok) {
                    done++;
                } else {
                    failures.add(new BatchItemFailure(delivery.messageId()));
                    if (delivery.fifo()) failedGroups.add(delivery.messageGroupId());
                }
            }
            log.atInfo().addKeyValue("records", records.size()).addKeyValue("succeeded", done)
                    .addKeyValue("failed", failures.size()).addKeyValue("notStartedForTime", skippedForTime)
                    .log("SQS batch handled");
        }
        return new SQSBatchResponse(failures);
    }

    /** @return true when the record is done with and may be deleted from the queue */
    private boolean process(FunctionEnvironment env, SQSMessage record, InvocationContext invocation) {
        String channel = channelOf(env, record);
        DecodedPayload decoded = env.bodyDecoder().decode(record, channel);
        try {
            if (decoded instanceof TestEvent t) {
                log.atInfo().addKeyValue("bucket", t.bucket()).log("s3:TestEvent acknowledged");
                return true;
            }
            if (decoded instanceof ObjectNotices notices) {
                ObjectNoticeIngestion ingestion = new ObjectNoticeIngestion(env.inlet(), env.objectSource());
                TraceContext trace = SqsDelivery.traceContext(record).orElse(null);
                for (ObjectNotice notice : notices.notices()) {
                    FileReport report = ingestion.apply(notice, invocation.deadline(), trace);
                    if (report.outcome() == FileOutcome.SUSPENDED) return handOn(env, record, report);
                    if (ObjectNoticeIngestion.needsAnotherAttempt(report.outcome())) return false;
                }
                return true;
            }
            if (decoded instanceof BusinessMessage b) {
                MessageOutcome outcome = env.inlet().ingestMessage(b.message());
                log.atInfo().addKeyValue("channel", channel).addKeyValue("status", outcome.status())
                        .addKeyValue("appended", outcome.counts() == null ? null : outcome.counts().appended())
                        .addKeyValue("duplicate", outcome.counts() == null ? null : outcome.counts().duplicate())
                        .log("message ingested");
                return true;
            }
            recordPermanentFailure(env, record, channel, ((Undecodable) decoded).reason());
            return false;
        } catch (PermanentException e) {
            recordPermanentFailure(env, record, channel, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("record failed, will be redelivered: {}", e.getMessage());
            return false;
        }
    }

    /**
     * The deadline came first: send the notification back to its queue now (the next invocation
     * resumes from the checkpoint) and let this message go; if that fails, the message is reported
     * failed and comes back after the visibility timeout instead.
     */
    private static boolean handOn(FunctionEnvironment env, SQSMessage record, FileReport report) {
        try {
            env.continuations().send(record, report);
            log.atInfo().addKeyValue("fileId", report.fileId())
                    .addKeyValue("nextRecord", report.continueFrom() == null ? null : report.continueFrom().nextRecordNumber())
                    .log("file suspended at the deadline; continuation sent");
            return true;
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("continuation not sent, the message will be redelivered: {}", e.getMessage());
            return false;
        }
    }

    private static void recordPermanentFailure(FunctionEnvironment env, SQSMessage record, String channel, String reason) {
        SqsDelivery delivery = SqsDelivery.of(record);
        log.atError().addKeyValue("reason", reason).addKeyValue("receiveCount", delivery.receiveCount())
                .log("record failed permanently; left to the redrive policy");
        try {
            env.inlet().recordFailedMessage(new InboundMessage(record.getMessageId(), channel,
                    record.getBody() == null ? "" : record.getBody(),
                    Map.of("receiveCount", Integer.toString(delivery.receiveCount()))), reason);
        } catch (RuntimeException e) {
            // still reported failed: the queue keeps it, and the next delivery records it again
            log.atError().setCause(e).log("could not record the failed message: {}", e.getMessage());
        }
    }

    private static String channelOf(FunctionEnvironment env, SQSMessage record) {
        String configured = env.settings().channel();
        if (configured != null) return configured;
        String queue = SqsDelivery.queueName(record.getEventSourceArn());
        return queue == null ? "sqs" : queue;
    }
}
