package io.inlet.aws.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.inlet.aws.decode.SqsDelivery;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The SQS batch rules, apart from the work on one message (shaped like Powertools'
 * {@code SqsBatchMessageHandler.processBatch}): the loop owns the partial batch response, the callback
 * handles one message and says whether it may be deleted.
 *
 * <ul>
 *   <li>A message the callback did not finish (or that threw) is reported as a batch item failure and
 *       comes back after the visibility timeout (or goes to the dead-letter queue by the redrive policy).</li>
 *   <li>FIFO: once a message of a group fails, the later messages of that group are reported failed
 *       without being processed, so the group keeps its order; other groups go on.</li>
 *   <li>When the time budget runs out, no further message is started; the rest are reported failed,
 *       so nothing is left half-done.</li>
 * </ul>
 */
public final class SqsBatch {

    private static final Logger log = LoggerFactory.getLogger(SqsBatch.class);

    /** Handles one message. */
    @FunctionalInterface
    public interface MessageHandler {
        /** @return true when the message is done with and may be deleted from the queue */
        boolean handle(SQSMessage message);
    }

    private SqsBatch() {
    }

    /** @param timeLeft true while another message may be started */
    public static SQSBatchResponse process(SQSEvent event, BooleanSupplier timeLeft, MessageHandler handler) {
        List<SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<BatchItemFailure> failures = new ArrayList<>();
        Set<String> failedGroups = new HashSet<>();
        int done = 0;
        int skippedForTime = 0;
        for (SQSMessage record : records) {
            SqsDelivery delivery = SqsDelivery.of(record);
            if (skippedForTime > 0 || !timeLeft.getAsBoolean()) {
                skippedForTime++;
                failures.add(new BatchItemFailure(delivery.messageId()));
                continue;
            }
            if (delivery.fifo() && failedGroups.contains(delivery.messageGroupId())) {
                failures.add(new BatchItemFailure(delivery.messageId()));
                continue;
            }
            MDC.put("messageId", delivery.messageId());
            boolean ok;
            try {
                ok = handler.handle(record);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("record failed, will be redelivered: {}", e.getMessage());
                ok = false;
            } finally {
                MDC.remove("messageId");
            }
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
        return new SQSBatchResponse(failures);
    }
}
