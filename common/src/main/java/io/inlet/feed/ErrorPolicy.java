package io.inlet.feed;

/**
 * What bad records do to their file.
 *
 * @param kind       the policy
 * @param maxCount   for {@link Kind#ABORT_ABOVE}: more bad records than this rejects the file (or -1)
 * @param maxPercent for {@link Kind#ABORT_ABOVE}: a higher share of bad records (0-100) rejects the file (or -1)
 */
public record ErrorPolicy(Kind kind, long maxCount, double maxPercent) {

    public enum Kind {
        /** Load the good records, quarantine the bad ones. */
        CONTINUE,
        /** Load nothing if any record is bad. */
        SKIP_FILE,
        /** Load nothing if bad records exceed a count or a share; otherwise like CONTINUE. */
        ABORT_ABOVE
    }

    public static final ErrorPolicy CONTINUE = new ErrorPolicy(Kind.CONTINUE, -1, -1);
    public static final ErrorPolicy SKIP_FILE = new ErrorPolicy(Kind.SKIP_FILE, -1, -1);

    /** Whether a file with these counts must be rejected as a whole. */
    public boolean rejectsFile(long records, long bad) {
        return switch (kind) {
            case CONTINUE -> false;
            case SKIP_FILE -> bad > 0;
            case ABORT_ABOVE -> (maxCount >= 0 && bad > maxCount)
                    || (maxPercent >= 0 && records > 0 && bad * 100.0 / records > maxPercent);
        };
    }

    /** Whether the whole file must be checked before anything is loaded. */
    public boolean needsValidationPass() {
        return kind != Kind.CONTINUE;
    }
}
