package io.inlet.ingest;

import io.inlet.event.DeclaredExpectedVersion;
import io.inlet.event.DeclaredSchemaVersion;
import io.inlet.event.EventEnvelope;
import io.inlet.event.EventIds;
import io.inlet.event.EventMapper;
import io.inlet.event.FieldTyping;
import io.inlet.event.RecordContext;
import io.inlet.event.RecordRejectedException;
import io.inlet.event.TraceContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventRWException;
import io.inlet.failure.PermanentException;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.ingest.InboundMessage;
import io.inlet.parse.RawRecord;
import io.inlet.parse.RecordPosition;
import io.inlet.event.PostgresValues;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one queue/topic message into the events it carries. A CloudEvent (structured JSON body,
 * or binary mode with {@code ce-*} attributes and the data as body) becomes one event whose id is
 * UUIDv5 of its source and id; a plain JSON object becomes one event and a JSON array of objects
 * several, each through the feed's {@link EventMapper}. Anything malformed throws
 * {@link PermanentException} naming the message and the field. Thread-safe.
 */
public final class MessageDecoder {

    /** Exact decimals: an amount of 12.50 in a message stays 12.50 in the event. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(FieldTyping.NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final JsonFormat CLOUDEVENT_JSON = new JsonFormat();
    private static final String CE_PREFIX = "ce-";
    private static final String SCHEMA_VERSION_EXTENSION = "schemaversion";

    private final FeedRegistry feeds;

    public MessageDecoder(FeedRegistry feeds) {
        this.feeds = feeds;
    }

    public List<EventEnvelope> decode(InboundMessage msg, MessageFeed feed, RecordContext ctx) {
        return decodeMessage(msg, feed, ctx).events();
    }

    /** The message's events and the stream version it expects, if it declares one. */
    public DecodedMessage decodeMessage(InboundMessage msg, MessageFeed feed, RecordContext ctx) {
        Map<String, String> ceAttributes = cloudEventAttributes(msg);
        boolean binary = ceAttributes.containsKey("specversion") || ceAttributes.containsKey("id");
        String attribute = msg.attributes().get(DeclaredExpectedVersion.ATTRIBUTE);
        if (feed.format() == MessageFeed.Format.JSON) {
            return new DecodedMessage(plain(msg, feed, ctx, parse(msg)), expectedVersion(msg, attribute, null));
        }
        if (binary) {
            return new DecodedMessage(List.of(binaryCloudEvent(msg, feed, ctx, ceAttributes)),
                    expectedVersion(msg, attribute, ceAttributes.get(DeclaredExpectedVersion.EXTENSION)));
        }
        JsonNode body = parse(msg);
        if (body.isObject() && body.has("specversion")) {
            JsonNode extension = body.get(DeclaredExpectedVersion.EXTENSION);
            if (extension != null && !(extension.isTextual() || extension.isIntegralNumber())) {
                throw fail(msg, "extension '" + DeclaredExpectedVersion.EXTENSION + "': must be a whole number, found "
                        + extension.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            return new DecodedMessage(List.of(structuredCloudEvent(msg, feed, ctx, (ObjectNode) body)),
                    expectedVersion(msg, attribute, extension == null ? null : extension.asText()));
        }
        if (feed.format() == MessageFeed.Format.CLOUDEVENT) {
            throw fail(msg, "is not a CloudEvent (no 'specversion' in the body and no ce-* attributes)");
        }
        return new DecodedMessage(plain(msg, feed, ctx, body), expectedVersion(msg, attribute, null));
    }

    /**
     * The expected stream version the message declares: its attribute or its CloudEvent extension
     * (both must agree when both are there); every event of such a message must be of one stream.
     */
    private static java.util.OptionalLong expectedVersion(InboundMessage msg, String attribute, String extension) {
        Long fromAttribute = null, fromExtension = null;
        try {
            if (attribute != null) fromAttribute = DeclaredExpectedVersion.parse("attribute '" + DeclaredExpectedVersion.ATTRIBUTE + "'", attribute);
            if (extension != null) fromExtension = DeclaredExpectedVersion.parse("extension '" + DeclaredExpectedVersion.EXTENSION + "'", extension);
        } catch (IllegalArgumentException e) {
            throw fail(msg, e.getMessage());
        }
        if (fromAttribute != null && fromExtension != null && !fromAttribute.equals(fromExtension)) {
            throw fail(msg, "extension '" + DeclaredExpectedVersion.EXTENSION + "' expects version " + fromExtension
                    + " but attribute '" + DeclaredExpectedVersion.ATTRIBUTE + "' expects " + fromAttribute);
        }
        Long expected = fromExtension != null ? fromExtension : fromAttribute;
        return expected == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(expected);
    }

    // ---------------------------------------------------------------- plain JSON

    private List<EventEnvelope> plain(InboundMessage msg, MessageFeed feed, RecordContext ctx, JsonNode body) {
        if (feed.mapping() == null) throw fail(msg, "is plain JSON but message feed '" + feed.name() + "' has no mapping");
        EventMapper mapper = feeds.mapper(feed.name());
        List<JsonNode> items = new ArrayList<>();
        if (body.isObject()) {
            items.add(body);
        } else if (body.isArray()) {
            body.forEach(items::add);
        } else {
            throw fail(msg, "body must be a JSON object or an array of objects, found " + body.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        Integer declared = attributeVersion(msg, feed);
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            long n = i + 1L;
            String where = body.isArray() ? "body[" + i + "]" : "body";
            if (!item.isObject()) throw fail(msg, where + " is not a JSON object");
            ObjectNode fields = withAttributeFields(msg, feed, (ObjectNode) item, where);
            RawRecord record = new RawRecord(new RecordPosition(n, n, 0, 0), fields, item.toString());
            try {
                // the declared version is the stored one, and the payload is checked against its schema
                events.add(mapper.map(record, ctx, EventIds.messagePositionName(msg.channel(), msg.messageId(), n), declared));
            } catch (RecordRejectedException e) {
                throw fail(msg, where + ": " + e.getMessage());
            } catch (RuntimeException e) {
                // a defect met by this message only: it fails permanently instead of being redelivered for ever
                throw new PermanentException("message " + msg.messageId() + " on channel '" + msg.channel() + "': "
                        + where + ": unexpected failure while mapping: " + e, e);
            }
        }
        return events;
    }

    /**
     * The record the mapping reads: the body's object plus the feed's {@code attribute_fields}, each
     * attribute the message carries set as its field (absent when the message lacks it, so the mapping
     * says what a missing value means). A body that has such a field already is refused: which of the
     * two the producer meant cannot be known, and neither may silently win.
     */
    private static ObjectNode withAttributeFields(InboundMessage msg, MessageFeed feed, ObjectNode item, String where) {
        if (feed.attributeFields().isEmpty()) return item;
        ObjectNode fields = item.deepCopy();
        for (Map.Entry<String, String> e : feed.attributeFields().entrySet()) {
            String value = msg.attributes().get(e.getKey());
            if (value == null) continue;
            if (fields.has(e.getValue())) {
                throw fail(msg, where + " has a field '" + e.getValue() + "' and attribute '" + e.getKey()
                        + "' sets it too (attribute_fields of message feed '" + feed.name() + "')");
            }
            fields.put(e.getValue(), value);
        }
        return fields;
    }

    // ---------------------------------------------------------------- CloudEvents

    private EventEnvelope structuredCloudEvent(InboundMessage msg, MessageFeed feed, RecordContext ctx, ObjectNode body) {
        CloudEvent event;
        try {
            event = CLOUDEVENT_JSON.deserialize(msg.body().getBytes(StandardCharsets.UTF_8));
        } catch (EventDeserializationException | CloudEventRWException | IllegalStateException e) {
            throw fail(msg, "is not a valid structured CloudEvent: " + rootMessage(e));
        }
        // The data is taken from our own exact-decimal parse of the body, not from the SDK's copy.
        JsonNode data = body.get("data");
        if (data == null && event.getData() != null) data = parseData(msg, event.getData().toBytes(), "data_base64");
        return fromCloudEvent(msg, feed, ctx, event, data);
    }

    private EventEnvelope binaryCloudEvent(InboundMessage msg, MessageFeed feed, RecordContext ctx, Map<String, String> attributes) {
        CloudEvent event;
        try {
            String specVersion = attributes.get("specversion");
            if (specVersion == null) throw fail(msg, "attribute 'ce-specversion' is missing (binary-mode CloudEvent)");
            CloudEventBuilder builder = CloudEventBuilder.fromSpecVersion(SpecVersion.parse(specVersion));
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                if (!a.getKey().equals("specversion")) builder.withContextAttribute(a.getKey(), a.getValue());
            }
            if (!msg.body().isEmpty()) builder.withData(msg.body().getBytes(StandardCharsets.UTF_8));
            event = builder.build();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw fail(msg, "is not a valid binary-mode CloudEvent: " + rootMessage(e));
        }
        JsonNode data = msg.body().isEmpty() ? null : parseData(msg, msg.body().getBytes(StandardCharsets.UTF_8), "body");
        return fromCloudEvent(msg, feed, ctx, event, data);
    }

    private EventEnvelope fromCloudEvent(InboundMessage msg, MessageFeed feed, RecordContext ctx, CloudEvent event, JsonNode data) {
        String contentType = event.getDataContentType();
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).contains("json")) {
            throw fail(msg, "field 'datacontenttype': must be JSON, found '" + contentType + "'");
        }
        if (data == null || !data.isObject()) {
            throw fail(msg, "field 'data': must be a JSON object, found " + (data == null ? "none" : data.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        EventMapper mapper = feed.mapping() == null ? null : feeds.mapper(feed.name());
        String stream = event.getSubject();
        if (stream == null || stream.isEmpty()) {
            if (mapper == null) {
                throw fail(msg, "field 'subject': missing, and message feed '" + feed.name() + "' has no stream_id mapping");
            }
            try {
                stream = mapper.streamId((ObjectNode) data);
            } catch (RecordRejectedException e) {
                throw fail(msg, "no subject, and the stream_id template fails on data: " + e.getMessage());
            }
        }
        int schemaVersion = schemaVersion(msg, feed, event, mapper);
        // An explicit correlationid wins; else the event's own trace (distributed tracing extension);
        // else the message's (its trace id, or its id).
        Object correlation = event.getExtension("correlationid");
        if (correlation == null) {
            Object traceparent = event.getExtension(TraceContext.TRACEPARENT);
            correlation = TraceContext.parse(traceparent == null ? null : traceparent.toString())
                    .map(TraceContext::traceId).orElse(null);
        }
        try {
            if (feeds.schemaCatalog().declares(event.getType())) {
                feeds.schemaCatalog().check(event.getType(), schemaVersion, data);
            } else if (mapper != null) {
                mapper.checkSchema(event.getType(), data);
            }
        } catch (RecordRejectedException e) {
            throw fail(msg, e.getMessage());
        }
        Instant occurredAt = event.getTime() != null ? event.getTime().toInstant() : ctx.ingestedAt();
        // checked before SQL: a value PostgreSQL refuses fails this message alone, permanently
        refuse(msg, "type", PostgresValues.indexedTextProblem(event.getType()));
        refuse(msg, event.getSubject() == null || event.getSubject().isEmpty() ? "stream_id" : "subject",
                PostgresValues.indexedTextProblem(stream));
        if (event.getTime() != null) refuse(msg, "time", PostgresValues.timestampProblem(occurredAt));
        if (correlation != null) refuse(msg, "correlationid", PostgresValues.textProblem(correlation.toString()));
        try {
            EventMapper.refuseUnstorable(data);
        } catch (RecordRejectedException e) {
            throw fail(msg, "field 'data." + e.field() + "': " + e.reason());
        }
        return new EventEnvelope(
                EventIds.of(EventIds.cloudEventName(event.getSource().toString(), event.getId())),
                stream, event.getType(), schemaVersion, occurredAt,
                correlation != null ? correlation.toString() : ctx.correlationId(),
                ctx.causationId(), ctx.sourceName(), EventMapper.write(data));
    }

    /**
     * The schema version of a CloudEvent's event: its {@code schemaversion} extension, else the feed's
     * schema-version attribute, else the mapping's; an extension and an attribute that disagree are refused.
     */
    private static int schemaVersion(InboundMessage msg, MessageFeed feed, CloudEvent event, EventMapper mapper) {
        Object extension = event.getExtension(SCHEMA_VERSION_EXTENSION);
        Integer fromExtension = null;
        if (extension != null) {
            try {
                fromExtension = DeclaredSchemaVersion.parse("extension '" + SCHEMA_VERSION_EXTENSION + "'", extension);
            } catch (IllegalArgumentException e) {
                throw fail(msg, e.getMessage());
            }
        }
        Integer fromAttribute = attributeVersion(msg, feed);
        if (fromExtension != null && fromAttribute != null && !fromExtension.equals(fromAttribute)) {
            throw fail(msg, "extension '" + SCHEMA_VERSION_EXTENSION + "' declares " + fromExtension + " but attribute '"
                    + feed.schemaVersionAttribute() + "' declares " + fromAttribute);
        }
        if (fromExtension != null) return fromExtension;
        if (fromAttribute != null) return fromAttribute;
        return mapper == null ? 1 : mapper.spec().schemaVersion();
    }

    /** The version the feed's schema-version attribute declares, or null when the message has no such attribute. */
    private static Integer attributeVersion(InboundMessage msg, MessageFeed feed) {
        String declared = msg.attributes().get(feed.schemaVersionAttribute());
        if (declared == null) return null;
        try {
            return DeclaredSchemaVersion.parse("attribute '" + feed.schemaVersionAttribute() + "'", declared);
        } catch (IllegalArgumentException e) {
            throw fail(msg, e.getMessage());
        }
    }

    private static void refuse(InboundMessage msg, String field, String problem) {
        if (problem != null) throw fail(msg, "field '" + field + "': " + problem);
    }

    /** The {@code ce-*} attributes (binary mode), keyed by attribute name in lower case. */
    private static Map<String, String> cloudEventAttributes(InboundMessage msg) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> a : msg.attributes().entrySet()) {
            String key = a.getKey().toLowerCase(Locale.ROOT);
            if (key.startsWith(CE_PREFIX) && key.length() > CE_PREFIX.length()) out.put(key.substring(CE_PREFIX.length()), a.getValue());
        }
        // Binary mode has no ce-datacontenttype; the transport's content type says what the body is.
        if (!out.isEmpty() && !out.containsKey("datacontenttype")) {
            for (Map.Entry<String, String> a : msg.attributes().entrySet()) {
                if (a.getKey().equalsIgnoreCase("content-type")) out.put("datacontenttype", a.getValue());
            }
        }
        return out;
    }

    private static JsonNode parse(InboundMessage msg) {
        try {
            JsonNode node = JSON.readTree(msg.body());
            if (node == null || node.isMissingNode()) throw fail(msg, "body is empty");
            return node;
        } catch (NumberFormatException e) {
            // Jackson lets some number-range failures (huge exponents) out unwrapped
            throw fail(msg, "body is not valid JSON: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw fail(msg, "body is not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        }
    }

    private static JsonNode parseData(InboundMessage msg, byte[] bytes, String what) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException | NumberFormatException e) {
            throw fail(msg, "field 'data': " + what + " is not JSON: " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static PermanentException fail(InboundMessage msg, String reason) {
        return new PermanentException("message " + msg.messageId() + " on channel '" + msg.channel() + "': " + reason);
    }
}
