package io.inlet.ledger;

/**
 * The state of a file in the ledger ({@code ingested_files.status}); the database keeps each as its
 * name. Adding a status is one constant here (plus the migration that widens the column's CHECK
 * constraint, which {@code FileStatusTest} compares with this list).
 */
public enum FileStatus {
    /** Claimed or suspended between slices: a lease owner holds it, or held it and may resume. */
    IN_PROGRESS,
    /** Every record read; the counts balance. */
    COMPLETED,
    /** Refused as a whole (format, error policy, a permanent failure); its first error says why. */
    REJECTED,
    /** Skipped: a completed file under another identity has the same content. */
    DUPLICATE_CONTENT,
    /** A removal notice of the object version. */
    REMOVED,
    /** Noted while its feed was paused; loaded, in arrival order, when the feed resumes. */
    HELD;

    /** The value stored in the database. */
    public String databaseValue() {
        return name();
    }

    /**
     * The status stored as {@code value}. A value this version of Inlet does not know (a newer
     * version wrote it, or a hand edit) is an error naming it, never a silent default.
     */
    public static FileStatus fromDatabase(String value) {
        return StatusSql.parse(FileStatus.class, value, "ingested_files");
    }

    /**
     * {@code template} with each {@code {STATUS}} token replaced by that status's quoted database
     * value, e.g. {@code WHERE status = {IN_PROGRESS}}; a token naming no status fails (at class load
     * of the statement's owner), so SQL never compares with a status that does not exist.
     */
    public static String inSql(String template) {
        return StatusSql.fill(FileStatus.class, template);
    }
}
