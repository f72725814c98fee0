package io.inlet.event;

/**
 * An upcast that cannot be done for a payload: names the event type and versions (when known), the
 * step and the field, e.g. {@code OrderPlaced v1 -> v2: step 'derive label = "{customer}"': field
 * 'customer': the field is missing}.
 */
public final class UpcastException extends RuntimeException {

    private final String field;

    public UpcastException(UpcastStep step, String field, String reason) {
        super("step '" + step.describe() + "': field '" + field + "': " + reason);
        this.field = field;
    }

    public UpcastException(String context, UpcastException cause) {
        super(context + ": " + cause.getMessage(), cause);
        this.field = cause.field;
    }

    public UpcastException(String message) {
        super(message);
        this.field = null;
    }

    /** The field the failure concerns, or null. */
    public String field() {
        return field;
    }
}
