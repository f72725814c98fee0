package io.inlet.ledger;

/**
 * The state of a broker message in the message ledger ({@code processed_messages.status}); the
 * database keeps each as its name. Adding one is a constant here plus the migration that widens the
 * column's CHECK constraint ({@code MessageLedgerTest} compares the two).
 */
public enum MessageStatus {
    /** Its events were appended (in the same transaction as the row): a redelivery appends nothing. */
    PROCESSED,
    /** It failed permanently, with its reason; a later delivery may still process it. */
    FAILED;

    /** The value stored in the database. */
    public String databaseValue() {
        return name();
    }

    /** The status stored as {@code value}; an unknown value is an error naming it, never a default. */
    public static MessageStatus fromDatabase(String value) {
        return StatusSql.parse(MessageStatus.class, value, "processed_messages");
    }

    /** {@code template} with each {@code {STATUS}} token replaced by that status's quoted database value. */
    public static String inSql(String template) {
        return StatusSql.fill(MessageStatus.class, template);
    }
}
