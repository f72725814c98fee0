package io.inlet.ingest;

import io.inlet.event.EventEnvelope;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one message carries: its events and, when it declares one, the version their stream must
 * be at ({@link io.inlet.event.DeclaredExpectedVersion}).
 */
public record DecodedMessage(List<EventEnvelope> events, OptionalLong expectedVersion) {

    public DecodedMessage {
        events = List.copyOf(events);
    }
}
