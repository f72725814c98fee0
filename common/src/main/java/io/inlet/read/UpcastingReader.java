package io.inlet.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.inlet.event.FieldTyping;
import io.inlet.event.SchemaCatalog;
import io.inlet.event.UpcastException;
import io.inlet.event.Upcasting;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link EventReader} with the events of the asked types returned at the asked schema version
 * ({@link AsVersions}): each such event is upcast from its stored {@code schema_version} by the
 * feeds file's upcasters and checked against the asked version's schema; its
 * {@link ReadEvent#schemaVersion()} is then the asked version. Events of other types, and events
 * stored at the asked version, are returned as stored (same text).
 *
 * <p>An event stored at a newer version than asked, or whose payload does not upcast, stops the
 * read: {@link ReadUpcastException} names the event, its type and versions, the step and the
 * field. Nothing is skipped and nothing is returned at a version other than the asked one; the
 * caller keeps its checkpoint (the batch is not returned), so the read resumes at that event once
 * the upcasters are fixed.
 */
public final class UpcastingReader {

    // exact decimals: an amount of 12.50 stays 12.50 through the upcast (Jackson strips the zero by default)
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).nodeFactory(FieldTyping.NODES).build();

    private final EventReader reader;
    private final AsVersions asked;
    private final Map<String, Upcasting.Upcast> upcasts = new HashMap<>();

    /**
     * @throws IllegalArgumentException when the catalog does not declare an asked type or version
     */
    public UpcastingReader(EventReader reader, SchemaCatalog catalog, AsVersions asked) {
        this.reader = reader;
        this.asked = asked;
        asked.checkDeclared(catalog);
        Upcasting upcasting = new Upcasting(catalog);
        asked.versions().forEach((type, v) -> upcasts.put(type, upcasting.to(type, v)));
    }

    public AsVersions asked() {
        return asked;
    }

    /** Reads one batch in a transaction of its own; see {@link EventReader#read(ReadRequest)}. */
    public ReadBatch read(ReadRequest request) {
        return upcast(reader.read(request));
    }

    /** Reads one batch on the caller's connection. */
    public ReadBatch read(Connection c, ReadRequest request) throws SQLException {
        return upcast(reader.read(c, request));
    }

    private ReadBatch upcast(ReadBatch batch) {
        if (upcasts.isEmpty()) return batch;
        List<ReadEvent> out = new ArrayList<>(batch.events().size());
        for (ReadEvent e : batch.events()) out.add(upcast(e));
        return new ReadBatch(out, batch.next(), batch.more());
    }

    /**
     * The event at the asked version of its type, or as stored when its type is not asked for.
     *
     * @throws ReadUpcastException when it is stored at a newer version or does not upcast
     */
    public ReadEvent upcast(ReadEvent e) {
        Upcasting.Upcast upcast = upcasts.get(e.eventType());
        if (upcast == null || e.schemaVersion() == upcast.target()) return e;
        try {
            Upcasting.Upcasted up = upcast.apply(e.schemaVersion(), parse(e));
            return new ReadEvent(e.table(), e.checkpoint(), e.eventId(), e.streamId(), e.streamVersion(), e.eventType(),
                    up.version(), e.occurredAt(), e.recordedAt(), e.correlationId(), e.causationId(), e.source(),
                    JSON.writeValueAsString(up.payload()));
        } catch (UpcastException ex) {
            throw new ReadUpcastException(e, upcast.target(), ex);
        } catch (JsonProcessingException ex) {
            throw new ReadUpcastException(e, upcast.target(), new UpcastException("the payload cannot be written: " + ex.getOriginalMessage()));
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(ReadEvent e) {
        try {
            return JSON.readTree(e.payload());
        } catch (JsonProcessingException | IllegalArgumentException ex) {
            throw new UpcastException(e.eventType() + " v" + e.schemaVersion() + ": stored payload is not JSON: "
                    + (ex instanceof JsonProcessingException j ? j.getOriginalMessage() : ex.getMessage()));
        }
    }
}
