package io.inlet.projection;

import java.util.Arrays;
import java.util.Optional;

/** An event's own fields (not its payload) a projection may copy into a column. */
public enum EventField {
    EVENT_ID, STREAM_ID, STREAM_VERSION, EVENT_TYPE, SCHEMA_VERSION, OCCURRED_AT;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<EventField> of(String name) {
        return Arrays.stream(values()).filter(f -> f.configName().equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(EventField::configName).toList());
    }

    String valueOf(ProjectedEvent e) {
        return switch (this) {
            case EVENT_ID -> e.eventId().toString();
            case STREAM_ID -> e.streamId();
            case STREAM_VERSION -> Long.toString(e.streamVersion());
            case EVENT_TYPE -> e.eventType();
            case SCHEMA_VERSION -> Integer.toString(e.schemaVersion());
            case OCCURRED_AT -> e.occurredAt().toString();
        };
    }
}
