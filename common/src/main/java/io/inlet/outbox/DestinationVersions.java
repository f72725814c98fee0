package io.inlet.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.inlet.event.SchemaCatalog;
import io.inlet.event.UpcastException;
import io.inlet.event.Upcasting;
import java.util.Map;

/**
 * The schema version each destination receives each event type at (a derived route's
 * {@code schema_versions}): the relay upcasts a stored payload to it before rendering the
 * CloudEvent, whose {@code schemaversion} and message attribute then say the requested version.
 * An event stored at a newer version than requested, or one whose upcast fails, cannot be rendered:
 * its row fails with the reason (retried with backoff, then BLOCKED for an operator).
 */
public final class DestinationVersions {

    public static final DestinationVersions NONE = new DestinationVersions(Map.of(), SchemaCatalog.EMPTY);

    // exact decimals: an amount of 12.50 stays 12.50 through the upcast
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(io.inlet.event.FieldTyping.NODES).build();

    private final Map<String, Map<String, Integer>> wanted;
    private final Upcasting upcasting;

    public DestinationVersions(Map<String, Map<String, Integer>> wanted, SchemaCatalog catalog) {
        this.wanted = Map.copyOf(wanted);
        this.upcasting = new Upcasting(catalog);
    }

    /** A payload at a version, as JSON text. */
    public record Rendered(int version, String payloadJson) {
    }

    /**
     * The payload as {@code destination} wants it: unchanged unless the destination asks for another
     * version of {@code eventType}.
     *
     * @throws UpcastException naming the event type, the versions, the step and the field
     */
    public Rendered render(String destination, String eventType, int storedVersion, String payloadJson) {
        Integer version = wanted.getOrDefault(destination, Map.of()).get(eventType);
        if (version == null || version == storedVersion) return new Rendered(storedVersion, payloadJson);
        try {
            Upcasting.Upcasted up = upcasting.to(eventType, version).apply(storedVersion, JSON.readTree(payloadJson));
            return new Rendered(up.version(), JSON.writeValueAsString(up.payload()));
        } catch (JsonProcessingException e) {
            throw new UpcastException(eventType + " v" + storedVersion + ": stored payload is not JSON: " + e.getOriginalMessage());
        }
    }
}
