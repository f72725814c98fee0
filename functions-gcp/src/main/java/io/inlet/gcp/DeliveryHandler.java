package io.inlet.gcp;

import io.inlet.Inlet;
import io.inlet.gcp.decode.BusinessMessage;
import io.inlet.gcp.decode.Decoded;
import io.inlet.gcp.decode.ObjectNotice;
import io.inlet.gcp.decode.Undecodable;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import io.inlet.source.ObjectSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what a decoded delivery asks of the core, and says whether the delivery is done or
 * must come again. It never throws for a failure it can classify: the functions turn the verdict
 * into their platform's answer (return or throw; an HTTP status).
 *
 * <ul>
 *   <li>FINALIZED -> {@code ingestFile} (idempotent per generation: a redelivery appends nothing);
 *       SUSPENDED or IN_PROGRESS_ELSEWHERE -> retry later, the redelivery resumes from the checkpoint.</li>
 *   <li>DELETED, ARCHIVED -> {@code recordRemoval}. OVERWRITTEN, METADATA_UPDATED -> nothing.</li>
 *   <li>business message -> {@code ingestMessage} (once per message id and event id).</li>
 *   <li>undecodable, or a permanent failure -> {@code recordFailedMessage} with the reason, then done.</li>
 *   <li>a transient failure (or failing to record a permanent one) -> retry.</li>
 * </ul>
 */
public final class DeliveryHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryHandler.class);

    /** How a delivery ended. */
    public enum Verdict {
        /** Done (ingested, already ingested, or nothing to do): acknowledge. */
        DONE,
        /** Permanently failed and recorded with its reason: acknowledge, never retry. */
        GAVE_UP,
        /** Transient failure: have it redelivered. */
        RETRY,
        /** Not finished yet (deadline reached with a checkpoint, or another worker holds the file): redeliver later. */
        RETRY_LATER;

        public boolean acknowledges() {
            return this == DONE || this == GAVE_UP;
        }
    }

    public record Result(Verdict verdict, String detail) {
    }

    private final Inlet inlet;
    private final ObjectSource objects;

    public DeliveryHandler(Inlet inlet, ObjectSource objects) {
        this.inlet = inlet;
        this.objects = objects;
    }

    public Result handle(Decoded decoded, Deadline deadline) {
        // Java 17: no pattern switch yet; Decoded is sealed to these three.
        if (decoded instanceof ObjectNotice notice) return attempt(failedRecord(notice), () -> onObject(notice, deadline));
        if (decoded instanceof BusinessMessage message) return attempt(message.message(), () -> onMessage(message));
        Undecodable poison = (Undecodable) decoded;
        return giveUp(poison.original(), poison.reason());
    }

    private Result onObject(ObjectNotice notice, Deadline deadline) {
        var ref = notice.object();
        var log = LOG.atInfo().addKeyValue("bucket", ref.bucket()).addKeyValue("object", ref.key())
                .addKeyValue("generation", ref.version()).addKeyValue("change", notice.change().name())
                .addKeyValue("noticeId", notice.noticeId());
        switch (notice.change()) {
            case FINALIZED -> {
                FileReport report = inlet.ingestFile(ref, objects, deadline, notice.sequencer(), notice.trace());
                LOG.atInfo().addKeyValue("bucket", ref.bucket()).addKeyValue("object", ref.key())
                        .addKeyValue("generation", ref.version()).addKeyValue("fileId", report.fileId())
                        .addKeyValue("feed", report.feed()).addKeyValue("outcome", report.outcome().name())
                        .addKeyValue("counts", report.counts())
                        // Flat numeric fields, so log-based metrics can EXTRACT(jsonPayload.records_appended) etc.
                        .addKeyValue("files_ingested", report.outcome() == FileOutcome.COMPLETED ? 1 : 0)
                        .addKeyValue("records_read", report.counts().read())
                        .addKeyValue("records_appended", report.counts().appended())
                        .addKeyValue("records_duplicate", report.counts().duplicate())
                        .addKeyValue("records_conflict", report.counts().conflict())
                        .addKeyValue("records_rejected", report.counts().rejected())
                        .log("object {} {}", ref.displayName(), report.outcome());
                return switch (report.outcome()) {
                    case SUSPENDED -> new Result(Verdict.RETRY_LATER, "suspended before the deadline at "
                            + report.continueFrom() + "; the redelivery resumes there");
                    case IN_PROGRESS_ELSEWHERE -> new Result(Verdict.RETRY_LATER, "another worker holds the lease on " + ref.displayName());
                    default -> new Result(Verdict.DONE, report.outcome().name());
                };
            }
            case DELETED, ARCHIVED -> {
                FileReport report = inlet.recordRemoval(ref, notice.sequencer());
                log.addKeyValue("fileId", report == null ? null : report.fileId())
                        .log("object {} removed: {}", ref.displayName(), report == null ? "recorded" : report.outcome());
                return new Result(Verdict.DONE, report == null ? "REMOVED" : report.outcome().name());
            }
            case OVERWRITTEN -> {
                log.addKeyValue("overwrittenByGeneration", notice.overwrittenByGeneration())
                        .log("object {} replaced by generation {}: not a delete, nothing to do", ref.displayName(),
                                notice.overwrittenByGeneration());
                return new Result(Verdict.DONE, "OVERWRITTEN");
            }
            case METADATA_UPDATED -> {
                log.log("object {} metadata updated: the bytes are unchanged, nothing to ingest", ref.displayName());
                return new Result(Verdict.DONE, "METADATA_UPDATED");
            }
        }
        throw new IllegalStateException("unhandled change " + notice.change());
    }

    private Result onMessage(BusinessMessage message) {
        MessageOutcome outcome = inlet.ingestMessage(message.message());
        LOG.atInfo().addKeyValue("messageId", outcome.messageId()).addKeyValue("channel", message.message().channel())
                .addKeyValue("form", message.form().name()).addKeyValue("status", outcome.status().name())
                .addKeyValue("counts", outcome.counts())
                .log("message {} {}", outcome.messageId(), outcome.status());
        return new Result(Verdict.DONE, outcome.status().name());
    }

    private Result attempt(InboundMessage original, java.util.function.Supplier<Result> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (Disposition.of(e) == Disposition.GIVE_UP) return giveUp(original, describe(e));
            LOG.atWarn().setCause(e).addKeyValue("messageId", original.messageId())
                    .log("transient failure on {}: will be redelivered", original.messageId());
            return new Result(Verdict.RETRY, describe(e));
        }
    }

    private Result giveUp(InboundMessage original, String reason) {
        try {
            inlet.recordFailedMessage(original, reason);
        } catch (RuntimeException e) {
            LOG.atWarn().setCause(e).addKeyValue("messageId", original.messageId())
                    .log("could not record the permanent failure of {}: will be redelivered", original.messageId());
            return new Result(Verdict.RETRY, "recording the failure failed: " + describe(e));
        }
        LOG.atError().addKeyValue("messageId", original.messageId()).addKeyValue("channel", original.channel())
                .addKeyValue("reason", reason).log("gave up on {}: {}", original.messageId(), reason);
        return new Result(Verdict.GAVE_UP, reason);
    }

    private static InboundMessage failedRecord(ObjectNotice notice) {
        return new InboundMessage(notice.noticeId(), "gcs", "gs://" + notice.object().displayName(),
                Map.of("change", notice.change().name()));
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
