package io.inlet.event;

/**
 * One record cannot become an event (a value of the wrong type, a missing required field, a schema
 * violation). The record is quarantined with this reason; its file goes on per the feed's error policy.
 * The message names the field: {@code field 'amount': not a decimal: "12,3x"}.
 */
public class RecordRejectedException extends Exception {

    private final String field;
    private final String reason;

    public RecordRejectedException(String field, String reason) {
        super("field '" + field + "': " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** The record field (column or JSON path) that is wrong. */
    public String field() {
        return field;
    }

    /** What is wrong with it. */
    public String reason() {
        return reason;
    }
}
