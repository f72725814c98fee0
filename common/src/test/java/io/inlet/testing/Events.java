package io.inlet.testing;

import io.inlet.event.EventEnvelope;
import java.time.Instant;
import java.util.UUID;

/** Builds events for tests. */
public final class Events {

    private Events() {
    }

    public static EventEnvelope event(String id, String stream, String type, String payloadJson) {
        return new EventEnvelope(uuid(id), stream, type, 1, Instant.parse("2026-11-20T10:00:00Z"), "corr-1", "cause-1",
                "test:" + id, payloadJson);
    }

    public static UUID uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
