package io.inlet.trigger;

import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.MessageOutcome;
import java.util.Objects;
import java.util.Optional;

/**
 * How one delivery ended, and the core's report of it (for metrics and logs). Entry points turn it
 * into their platform's answer: Lambda's batch item failures or an exception, a Cloud Function's
 * return or throw, an HTTP status.
 *
 * @param outcome what the platform must do with the delivery
 * @param detail  a line saying why, for the platform's answer and the logs
 * @param file    the file report, when the delivery was an object notice the core acted on; else null
 * @param message the message outcome, when it was a business message the core appended; else null
 */
public record Verdict(Outcome outcome, String detail, FileReport file, MessageOutcome message) {

    public enum Outcome {
        /** Done: ingested, already ingested, or nothing to do. Acknowledge. */
        DONE,
        /** Failed permanently and recorded with its reason. Never worth a retry. */
        GAVE_UP,
        /** A transient failure: have it delivered again. */
        RETRY,
        /** Not finished yet (suspended at a checkpoint, or another worker holds the file): deliver again later. */
        RETRY_LATER
    }

    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }

    public static Verdict done(String detail) {
        return new Verdict(Outcome.DONE, detail, null, null);
    }

    public static Verdict gaveUp(String reason) {
        return new Verdict(Outcome.GAVE_UP, reason, null, null);
    }

    public static Verdict retry(String reason) {
        return new Verdict(Outcome.RETRY, reason, null, null);
    }

    /** True when the platform may forget the delivery (DONE or GAVE_UP). */
    public boolean acknowledges() {
        return outcome == Outcome.DONE || outcome == Outcome.GAVE_UP;
    }

    /** True when the file stopped at the deadline with a checkpoint (a continuation can resume it at once). */
    public boolean suspended() {
        return file != null && file.outcome() == FileOutcome.SUSPENDED;
    }

    public Optional<FileReport> fileReport() {
        return Optional.ofNullable(file);
    }

    public Optional<MessageOutcome> messageOutcome() {
        return Optional.ofNullable(message);
    }
}
