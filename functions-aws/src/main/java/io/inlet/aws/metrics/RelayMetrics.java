package io.inlet.aws.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.outbox.RelayReport;
import java.io.PrintStream;

/**
 * The relay's figures as one CloudWatch Embedded Metric Format (EMF) document: a JSON object on a
 * line of its own, which CloudWatch Logs turns into metrics in namespace {@code Inlet} with no
 * dimensions. The infrastructure's alarm reads {@code Inlet/OutboxLagSeconds} (Maximum); a metric
 * with dimensions would be a different metric and the alarm would never see it.
 */
public final class RelayMetrics {

    public static final String NAMESPACE = "Inlet";
    public static final String OUTBOX_LAG_SECONDS = "OutboxLagSeconds";
    public static final String OUTBOX_PUBLISHED = "OutboxPublished";
    public static final String OUTBOX_PUBLISH_FAILED = "OutboxPublishFailed";
    public static final String OUTBOX_PENDING = "OutboxPending";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RelayMetrics() {
    }

    /** The EMF document for one relay run, timestamped {@code epochMillis}. */
    public static String emfLine(RelayReport report, long epochMillis) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", epochMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        // one empty dimension set: the metrics are published without dimensions
        directive.putArray("Dimensions").addArray();
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", OUTBOX_LAG_SECONDS).put("Unit", "Seconds");
        metrics.addObject().put("Name", OUTBOX_PUBLISHED).put("Unit", "Count");
        metrics.addObject().put("Name", OUTBOX_PUBLISH_FAILED).put("Unit", "Count");
        metrics.addObject().put("Name", OUTBOX_PENDING).put("Unit", "Count");
        root.put(OUTBOX_LAG_SECONDS, report.oldestPendingAgeSeconds());
        root.put(OUTBOX_PUBLISHED, report.published());
        root.put(OUTBOX_PUBLISH_FAILED, report.failed());
        root.put(OUTBOX_PENDING, report.pending());
        return root.toString();
    }

    /**
     * Writes the document as its own line. Lambda sends stdout to CloudWatch Logs line by line, and
     * EMF needs the whole log event to be the JSON object, so it bypasses the logger's JSON layout.
     */
    public static void emit(RelayReport report, PrintStream stdout) {
        String line = emfLine(report, System.currentTimeMillis());
        synchronized (stdout) {
            stdout.println(line);
            stdout.flush();
        }
    }
}
