package io.inlet.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.TraceContext;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local publisher: each message as one JSON line (messageId, destination, attributes, CloudEvent)
 * on a stream, stdout or a file. The line's {@code messageId} is {@code local-<outbox id>}, the id
 * reported as published. Every destination is written (there is none to configure), and the file keeps
 * each stream's order: a message whose body is not JSON fails alone, and so do the later messages of
 * its stream in the same batch.
 */
final class JsonLinesPublisher implements EventPublisher {

    // numbers as the body has them: an amount of 12.50 stays 12.50 in the file
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(io.inlet.event.FieldTyping.NODES).build();
    private final PrintStream out;

    JsonLinesPublisher(PrintStream out) {
        this.out = out;
    }

    @Override
    public PublishResult publish(List<OutboxMessage> batch) {
        Map<Long, String> ok = new LinkedHashMap<>();
        Map<Long, String> failed = new LinkedHashMap<>();
        Set<String> failedStreams = new HashSet<>();
        for (OutboxMessage m : batch) {
            if (m.streamId() != null && failedStreams.contains(m.streamId())) {
                failed.put(m.outboxId(), "not written: an earlier message of stream '" + m.streamId() + "' failed");
                continue;
            }
            JsonNode cloudEvent;
            try {
                cloudEvent = JSON.readTree(m.body());
            } catch (JsonProcessingException e) {
                failed.put(m.outboxId(), "body is not JSON: " + e.getOriginalMessage());
                if (m.streamId() != null) failedStreams.add(m.streamId());
                continue;
            }
            String messageId = "local-" + m.outboxId();
            ObjectNode line = JSON.createObjectNode();
            line.put("messageId", messageId);
            line.put("destination", m.destination());
            ObjectNode attrs = line.putObject("attributes");
            attrs.put("eventType", m.eventType());
            attrs.put("schemaVersion", String.valueOf(m.schemaVersion()));
            if (m.correlationId() != null) attrs.put("correlationId", m.correlationId());
            if (m.traceparent() != null) attrs.put(TraceContext.TRACEPARENT, m.traceparent());
            if (m.streamId() != null) attrs.put("streamId", m.streamId());
            line.set("cloudEvent", cloudEvent);
            out.println(line);
            ok.put(m.outboxId(), messageId);
        }
        out.flush();
        if (out.checkError()) throw new IllegalStateException("writing the relay output failed");
        return new PublishResult(ok, failed);
    }
}
