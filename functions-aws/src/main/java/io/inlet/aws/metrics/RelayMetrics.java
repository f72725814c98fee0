package io.inlet.aws.metrics;

import io.inlet.outbox.RelayReport;
import java.io.PrintStream;

/**
 * The relay's figures as one CloudWatch Embedded Metric Format (EMF) document: a JSON object on a
 * line of its own, which CloudWatch Logs turns into metrics in namespace {@code Inlet} with no
 * dimensions. The infrastructure's alarms read {@code Inlet/OutboxLagSeconds} and {@code Inlet/OutboxBlocked} (Maximum); a metric
 * with dimensions would be a different metric and the alarm would never see it.
 */
public final class RelayMetrics {

    public static final String NAMESPACE = EmfDocument.NAMESPACE;
    public static final String OUTBOX_LAG_SECONDS = "OutboxLagSeconds";
    public static final String OUTBOX_PUBLISHED = "OutboxPublished";
    public static final String OUTBOX_PUBLISH_FAILED = "OutboxPublishFailed";
    public static final String OUTBOX_PENDING = "OutboxPending";
    /** Blocked outbox rows after the run (each holds its stream); the {@code OutboxBlocked} alarm fires at 1. */
    public static final String OUTBOX_BLOCKED = "OutboxBlocked";

    private RelayMetrics() {
    }

    /** The EMF document for one relay run, timestamped {@code epochMillis}. */
    public static String emfLine(RelayReport report, long epochMillis) {
        return document(report).toJson(epochMillis);
    }

    /** Writes the document as its own line on stdout. */
    public static void emit(RelayReport report, PrintStream stdout) {
        document(report).emit(stdout);
    }

    private static EmfDocument document(RelayReport report) {
        return new EmfDocument()
                .metric(OUTBOX_LAG_SECONDS, "Seconds", report.oldestPendingAgeSeconds())
                .metric(OUTBOX_PUBLISHED, "Count", report.published())
                .metric(OUTBOX_PUBLISH_FAILED, "Count", report.failed())
                .metric(OUTBOX_PENDING, "Count", report.pending())
                .metric(OUTBOX_BLOCKED, "Count", report.blocked());
    }
}
