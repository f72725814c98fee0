package io.inlet.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * Renders a derived event as a CloudEvents 1.0 structured JSON document (DESIGN section 4): {@code id}
 * = event id, {@code source}, {@code type}, {@code time} = occurred_at, {@code subject} = stream id,
 * {@code datacontenttype} = application/json, and the extensions {@code schemaversion},
 * {@code correlationid}, {@code causationid}, and {@code traceparent} (the CloudEvents distributed
 * tracing extension) when given. Thread-safe.
 */
public final class CloudEventWriter {

    public static final String DATA_CONTENT_TYPE = "application/json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(FieldTyping.NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final JsonFormat FORMAT = new JsonFormat();

    /** The source URI of events from an event table: {@code urn:inlet:<table>}. */
    public static String sourceForTable(String table) {
        return "urn:inlet:" + table;
    }

    /** Renders an envelope; {@code source} is a URI such as {@link #sourceForTable}. */
    public String write(EventEnvelope event, String source, String type) {
        return write(event.eventId(), source, type, event.occurredAt(), event.streamId(), event.schemaVersion(),
                event.correlationId(), event.causationId(), event.payloadJson());
    }

    /**
     * Renders one event. Null correlation/causation ids are left out.
     *
     * @throws IllegalArgumentException when the source is not a URI or the payload not a JSON object
     */
    public String write(UUID id, String source, String type, Instant time, String subject, int schemaVersion,
                        String correlationId, String causationId, String payloadJson) {
        return write(id, source, type, time, subject, schemaVersion, correlationId, causationId, null, payloadJson);
    }

    /** As above, with a {@code traceparent} extension unless {@code trace} is null. */
    public String write(UUID id, String source, String type, Instant time, String subject, int schemaVersion,
                        String correlationId, String causationId, TraceContext trace, String payloadJson) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        JsonNode data;
        try {
            data = JSON.readTree(payloadJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of event " + id + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (data == null || !data.isObject()) throw new IllegalArgumentException("payload of event " + id + " is not a JSON object");
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(id.toString())
                .withSource(URI.create(source))
                .withType(type)
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withSubject(subject)
                .withExtension("schemaversion", schemaVersion)
                .withData(DATA_CONTENT_TYPE, JsonCloudEventData.wrap(data));
        if (correlationId != null) builder.withExtension("correlationid", correlationId);
        if (causationId != null) builder.withExtension("causationid", causationId);
        if (trace != null) builder.withExtension(TraceContext.TRACEPARENT, trace.toTraceparent());
        CloudEvent event = builder.build();
        return new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
    }
}
