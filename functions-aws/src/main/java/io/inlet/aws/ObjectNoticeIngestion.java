package io.inlet.aws;

import io.inlet.Inlet;
import io.inlet.aws.decode.ObjectNotice;
import io.inlet.aws.metrics.FileMetrics;
import io.inlet.event.TraceContext;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.ObjectSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Hands one object notice to the core (ingest a created object, record a removed one) and logs
 * the report with bucket, key, file id and counts. Shared by the S3, EventBridge and SQS handlers.
 */
final class ObjectNoticeIngestion {

    private static final Logger log = LoggerFactory.getLogger(ObjectNoticeIngestion.class);

    private final Inlet inlet;
    private final ObjectSource source;

    ObjectNoticeIngestion(Inlet inlet, ObjectSource source) {
        this.inlet = inlet;
        this.source = source;
    }

    /** For direct invocations: the trace is the Lambda's own (X-Ray header of this invocation), if any. */
    FileReport apply(ObjectNotice notice, Deadline deadline) {
        return apply(notice, deadline, invocationTrace().orElse(null));
    }

    /** The X-Ray trace header the Lambda runtime gives this invocation, as a W3C trace context. */
    static java.util.Optional<TraceContext> invocationTrace() {
        String header = System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID"));
        return header == null ? java.util.Optional.empty() : TraceContext.fromXRay(header);
    }

    /** @param trace the trace context the trigger carried, or null: the file's events are correlated by it */
    FileReport apply(ObjectNotice notice, Deadline deadline, TraceContext trace) {
        MDC.put("bucket", notice.ref().bucket());
        MDC.put("key", notice.ref().key());
        try {
            FileReport report = notice.kind() == ObjectNotice.Kind.CREATED
                    ? inlet.ingestFile(notice.ref(), source, deadline, notice.sequencer(), trace)
                    : inlet.recordRemoval(notice.ref(), notice.sequencer());
            log.atInfo()
                    .addKeyValue("fileId", report.fileId())
                    .addKeyValue("version", notice.ref().version())
                    .addKeyValue("feed", report.feed())
                    .addKeyValue("outcome", report.outcome())
                    .addKeyValue("read", report.counts() == null ? null : report.counts().read())
                    .addKeyValue("appended", report.counts() == null ? null : report.counts().appended())
                    .addKeyValue("duplicate", report.counts() == null ? null : report.counts().duplicate())
                    .addKeyValue("rejected", report.counts() == null ? null : report.counts().rejected())
                    .addKeyValue("millis", report.duration() == null ? null : report.duration().toMillis())
                    .log("object {} {}", notice.kind() == ObjectNotice.Kind.CREATED ? "ingested" : "removal recorded",
                            report.outcome());
            if (notice.kind() == ObjectNotice.Kind.CREATED) FileMetrics.emit(report, System.out);
            return report;
        } finally {
            MDC.remove("bucket");
            MDC.remove("key");
        }
    }

    /** Outcomes that leave work undone: the trigger must come back (retry / redelivery). */
    static boolean needsAnotherAttempt(FileOutcome outcome) {
        return outcome == FileOutcome.SUSPENDED || outcome == FileOutcome.IN_PROGRESS_ELSEWHERE;
    }

    /** How handlers name an outcome in their result: {@code COMPLETED bucket/key#version}. */
    static String describe(FileReport report, ObjectNotice notice) {
        return report.outcome() + " " + notice.ref().displayName();
    }
}
