package io.inlet.aws.metrics;

import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.ObjectChange;
import io.inlet.trigger.VerdictObserver;
import java.io.PrintStream;

/**
 * The figures of one file attempt as an EMF document, dimension {@code Feed}: files ingested,
 * rejected and skipped (a redelivery, duplicate content or a stale notification), and — once the
 * file is finished — its records read, appended, duplicate, conflicting and rejected.
 */
public final class FileMetrics {

    private FileMetrics() {
    }

    /**
     * The verdict observer of the AWS functions: one EMF line per object notice the core ingested (any
     * outcome, a suspended one included), to stdout where CloudWatch picks it up.
     */
    public static VerdictObserver observer(PrintStream stdout) {
        return (delivery, verdict) -> {
            if (delivery instanceof ObjectNotice notice && notice.change() == ObjectChange.CREATED && verdict.file() != null) {
                emit(verdict.file(), stdout);
            }
        };
    }

    public static String emfLine(FileReport report, long epochMillis) {
        return document(report).toJson(epochMillis);
    }

    public static void emit(FileReport report, PrintStream stdout) {
        document(report).emit(stdout);
    }

    private static EmfDocument document(FileReport r) {
        FileOutcome o = r.outcome();
        boolean finished = o == FileOutcome.COMPLETED || o == FileOutcome.REJECTED;
        boolean skipped = o == FileOutcome.ALREADY_COMPLETED || o == FileOutcome.DUPLICATE_CONTENT_SKIPPED
                || o == FileOutcome.STALE_NOTIFICATION;
        EmfDocument d = new EmfDocument().dimension("Feed", r.feed() == null ? "-" : r.feed())
                .metric("FilesIngested", "Count", o == FileOutcome.COMPLETED ? 1 : 0)
                .metric("FilesRejected", "Count", o == FileOutcome.REJECTED ? 1 : 0)
                .metric("FilesSkipped", "Count", skipped ? 1 : 0);
        if (finished && r.counts() != null) {
            d.metric("RecordsRead", "Count", r.counts().read())
                    .metric("RecordsAppended", "Count", r.counts().appended())
                    .metric("RecordsDuplicate", "Count", r.counts().duplicate())
                    .metric("RecordsConflict", "Count", r.counts().conflict())
                    .metric("RecordsRejected", "Count", r.counts().rejected());
        }
        return d;
    }
}
