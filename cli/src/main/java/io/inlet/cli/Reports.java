package io.inlet.cli;

import io.inlet.ingest.FileReport;
import java.io.PrintStream;
import java.util.List;

/** Human-readable tables of results; vendor text in them is escaped ({@link TerminalText}). */
final class Reports {

    private Reports() {
    }

    static void files(PrintStream out, List<FileReport> reports) {
        if (reports.isEmpty()) return;
        int w = Math.max(4, reports.stream().mapToInt(r -> TerminalText.escape(r.object().key()).length()).max().orElse(4));
        String fmt = "%-" + w + "s  %-26s %8s %8s %9s %8s %8s  %s%n";
        out.printf(fmt, "FILE", "OUTCOME", "READ", "APPENDED", "DUPLICATE", "CONFLICT", "REJECTED", "FIRST ERROR");
        for (FileReport r : reports) {
            out.printf(fmt, TerminalText.escape(r.object().key()), r.outcome() + (r.fileId() == null ? "" : " (#" + r.fileId() + ")"),
                    r.counts().read(), r.counts().appended(), r.counts().duplicate(), r.counts().conflict(),
                    r.counts().rejected(), r.firstError() == null ? "" : TerminalText.escape(r.firstError()));
        }
    }
}
