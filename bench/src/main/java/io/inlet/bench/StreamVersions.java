package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import java.util.HashMap;
import java.util.Map;

/**
 * Stream versions numbered in the client, for the loaders that bypass EventStore: valid only for a
 * single writer that sees every event once, which is exactly what those loaders assume.
 */
final class StreamVersions {

    private final Map<String, Long> heads = new HashMap<>();

    long next(EventEnvelope e) {
        return heads.merge(e.streamId(), 1L, Long::sum);
    }
}
