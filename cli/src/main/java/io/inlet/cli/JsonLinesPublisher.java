package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The local publisher: each message as one JSON line (destination, attributes, CloudEvent) on a
 * stream, stdout or a file. The line's {@code messageId} is the outbox id.
 */
final class JsonLinesPublisher implements EventPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    JsonLinesPublisher(PrintStream out) {
        this.out = out;
    }

    @Override
    public PublishResult publish(List<OutboxMessage> batch) {
        Map<Long, String> ok = new HashMap<>();
        for (OutboxMessage m : batch) {
            ObjectNode line = JSON.createObjectNode();
            line.put("destination", m.destination());
            ObjectNode attrs = line.putObject("attributes");
            attrs.put("eventType", m.eventType());
            attrs.put("schemaVersion", String.valueOf(m.schemaVersion()));
            if (m.correlationId() != null) attrs.put("correlationId", m.correlationId());
            if (m.streamId() != null) attrs.put("streamId", m.streamId());
            try {
                line.set("cloudEvent", JSON.readTree(m.body()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println(line);
            ok.put(m.outboxId(), "local-" + m.outboxId());
        }
        out.flush();
        if (out.checkError()) throw new IllegalStateException("writing the relay output failed");
        return new PublishResult(ok, Map.of());
    }
}
