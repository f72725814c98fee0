package io.inlet.trigger;

import io.inlet.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import io.inlet.source.ObjectSource;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.NothingToDo;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Carries out what a delivery asks of the core and says how it ended. The same on every cloud and
 * every path (direct notification, queue, topic, push): it never throws for a failure it can
 * classify, and every permanent failure is recorded the same way, with {@code recordFailedMessage}
 * and the reason, before the verdict says GAVE_UP.
 *
 * <ul>
 *   <li>CREATED -> {@code ingestFile} (idempotent per version); SUSPENDED or IN_PROGRESS_ELSEWHERE ->
 *       RETRY_LATER, the next delivery resumes from the checkpoint.</li>
 *   <li>REMOVED -> {@code recordRemoval}. OVERWRITTEN, METADATA_UPDATED -> DONE, nothing to do.</li>
 *   <li>business message -> {@code ingestMessage} (once per message id and event id).</li>
 *   <li>nothing to do -> DONE.</li>
 *   <li>undecodable, or a permanent failure ({@link Disposition#GIVE_UP}) -> recorded, GAVE_UP.</li>
 *   <li>a transient failure, or failing to record a permanent one -> RETRY.</li>
 * </ul>
 */
public final class DeliveryHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryHandler.class);

    private final Ingestion core;
    private final ObjectSource objects;
    private final VerdictObserver observer;

    public DeliveryHandler(Ingestion core, ObjectSource objects, VerdictObserver observer) {
        this.core = core;
        this.objects = objects;
        this.observer = observer;
    }

    public DeliveryHandler(Ingestion core, ObjectSource objects) {
        this(core, objects, VerdictObserver.NONE);
    }

    /**
     * Handles {@code delivery} under its trace. With tracing on, in a span {@code inlet.delivery} that
     * continues the trace the delivery carried (or starts one when it carried none); the span is the
     * parent of the object read, SQL and ledger spans, and the trace context handed to the core and
     * the logging context.
     */
    public Verdict handle(Delivery delivery, Deadline deadline) {
        io.inlet.event.TraceContext carried = traceOf(delivery);
        if (!Tracing.enabled()) {
            try (TraceLogContext ignored = TraceLogContext.open(carried)) {
                return handleTraced(delivery, deadline, carried, objects);
            }
        }
        Context parent = carried == null ? Context.root() : Tracing.remoteParent(carried.traceId(), carried.parentId(), carried.flags());
        Span span = Tracing.start("inlet.delivery", SpanKind.CONSUMER, parent, "inlet.delivery", delivery.getClass().getSimpleName());
        SpanContext own = span.getSpanContext();
        io.inlet.event.TraceContext trace = own.isValid()
                ? new io.inlet.event.TraceContext(own.getTraceId(), own.getSpanId(), own.isSampled() ? "01" : "00") : carried;
        try (Scope scope = span.makeCurrent(); TraceLogContext ignored = TraceLogContext.open(trace)) {
            Verdict verdict = handleTraced(delivery, deadline, trace, new TracedObjectSource(objects, Context.current()));
            span.setAttribute("inlet.verdict", verdict.outcome().name());
            if (verdict.outcome() == Verdict.Outcome.GAVE_UP || verdict.outcome() == Verdict.Outcome.RETRY) {
                span.setStatus(StatusCode.ERROR, String.valueOf(verdict.detail()));
            }
            return verdict;
        } finally {
            span.end();
        }
    }

    /** The trace a delivery carried (its lines are logged under its correlation id), or null. */
    private static io.inlet.event.TraceContext traceOf(Delivery delivery) {
        if (delivery instanceof ObjectNotice notice) return notice.trace();
        if (delivery instanceof BusinessMessage message) return message.trace();
        return null;
    }

    private Verdict handleTraced(Delivery delivery, Deadline deadline, io.inlet.event.TraceContext trace, ObjectSource source) {
        Verdict verdict;
        // Java 17: no pattern switch yet; Delivery is sealed to these four.
        if (delivery instanceof ObjectNotice notice) {
            verdict = attempt(notice.original(), () -> onObject(notice, deadline, trace, source));
        } else if (delivery instanceof BusinessMessage message) {
            verdict = attempt(message.message(), () -> onMessage(message));
        } else if (delivery instanceof NothingToDo nothing) {
            LOG.atInfo().addKeyValue("reason", nothing.reason()).log("nothing to do: {}", nothing.reason());
            verdict = Verdict.done(nothing.reason());
        } else {
            Undecodable poison = (Undecodable) delivery;
            verdict = giveUp(poison.original(), poison.reason());
        }
        observer.observe(delivery, verdict);
        return verdict;
    }

    private Verdict onObject(ObjectNotice notice, Deadline deadline, io.inlet.event.TraceContext trace, ObjectSource source) {
        var ref = notice.ref();
        switch (notice.change()) {
            case CREATED -> {
                FileReport report = core.ingestFile(ref, source, deadline, notice.sequencer(), trace);
                logFile(notice, report);
                return switch (report.outcome()) {
                    case SUSPENDED -> new Verdict(Verdict.Outcome.RETRY_LATER, "SUSPENDED " + ref.displayName()
                            + " at " + report.continueFrom() + "; the next delivery resumes there", report, null);
                    case IN_PROGRESS_ELSEWHERE -> new Verdict(Verdict.Outcome.RETRY_LATER,
                            "IN_PROGRESS_ELSEWHERE " + ref.displayName() + ": another worker holds the lease", report, null);
                    default -> new Verdict(Verdict.Outcome.DONE, report.outcome() + " " + ref.displayName(), report, null);
                };
            }
            case REMOVED -> {
                FileReport report = core.recordRemoval(ref, notice.sequencer());
                logFile(notice, report);
                String outcome = report == null ? "REMOVED" : report.outcome().name();
                return new Verdict(Verdict.Outcome.DONE, outcome + " " + ref.displayName(), report, null);
            }
            default -> {
                noticeLog(notice).log("object {} {}: nothing to ingest", ref.displayName(), notice.change());
                return Verdict.done(notice.change() + " " + ref.displayName());
            }
        }
    }

    private Verdict onMessage(BusinessMessage delivery) {
        MessageOutcome outcome = core.ingestMessage(delivery.message());
        LOG.atInfo().addKeyValue("messageId", outcome.messageId()).addKeyValue("channel", delivery.message().channel())
                .addKeyValue("status", outcome.status().name()).addKeyValue("counts", outcome.counts())
                .log("message {} {}", outcome.messageId(), outcome.status());
        return new Verdict(Verdict.Outcome.DONE, outcome.status().name(), null, outcome);
    }

    private Verdict attempt(InboundMessage original, Supplier<Verdict> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (Disposition.of(e) == Disposition.GIVE_UP) return giveUp(original, describe(e));
            LOG.atWarn().setCause(e).addKeyValue("messageId", original.messageId())
                    .log("transient failure on {}: will be redelivered", original.messageId());
            return Verdict.retry(describe(e));
        }
    }

    private Verdict giveUp(InboundMessage original, String reason) {
        try {
            core.recordFailedMessage(original, reason);
        } catch (RuntimeException e) {
            LOG.atWarn().setCause(e).addKeyValue("messageId", original.messageId())
                    .log("could not record the permanent failure of {}: will be redelivered", original.messageId());
            return Verdict.retry("recording the failure failed: " + describe(e));
        }
        LOG.atError().addKeyValue("messageId", original.messageId()).addKeyValue("channel", original.channel())
                .addKeyValue("reason", reason).log("gave up on {}: {}", original.messageId(), reason);
        return Verdict.gaveUp(reason);
    }

    private static void logFile(ObjectNotice notice, FileReport report) {
        if (report == null) {
            noticeLog(notice).log("object {} {}", notice.ref().displayName(), notice.change());
            return;
        }
        LoggingEventBuilder log = noticeLog(notice).addKeyValue("fileId", report.fileId())
                .addKeyValue("feed", report.feed()).addKeyValue("outcome", report.outcome().name())
                .addKeyValue("millis", report.duration() == null ? null : report.duration().toMillis())
                // flat numeric fields, so log-based metrics can extract them
                .addKeyValue("files_ingested", report.outcome() == FileOutcome.COMPLETED ? 1 : 0);
        if (report.counts() != null) {
            log = log.addKeyValue("records_read", report.counts().read())
                    .addKeyValue("records_appended", report.counts().appended())
                    .addKeyValue("records_duplicate", report.counts().duplicate())
                    .addKeyValue("records_conflict", report.counts().conflict())
                    .addKeyValue("records_rejected", report.counts().rejected());
        }
        log.log("object {} {}", notice.ref().displayName(), report.outcome());
    }

    private static LoggingEventBuilder noticeLog(ObjectNotice notice) {
        return LOG.atInfo().addKeyValue("bucket", notice.ref().bucket()).addKeyValue("key", notice.ref().key())
                .addKeyValue("version", notice.ref().version()).addKeyValue("change", notice.change().name())
                .addKeyValue("noticeId", notice.noticeId());
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
