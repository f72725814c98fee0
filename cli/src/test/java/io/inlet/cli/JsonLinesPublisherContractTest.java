package io.inlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.EventPublisherContract;
import io.inlet.outbox.OutboxMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link JsonLinesPublisher} (what {@code inlet relay} and the demo write) under the
 * {@link EventPublisherContract}. The destination is the file: it keeps every stream's order, the
 * ordering key is the line's {@code attributes.streamId}, and every destination is written.
 */
class JsonLinesPublisherContractTest extends EventPublisherContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int linesRead;

    @Override
    protected EventPublisher newPublisher() {
        return new JsonLinesPublisher(new PrintStream(written, true, StandardCharsets.UTF_8));
    }

    @Override
    protected boolean ordered() {
        return true;
    }

    @Override
    protected List<Received> receive(int expected) throws Exception {
        String[] lines = written.toString(StandardCharsets.UTF_8).lines().toArray(String[]::new);
        List<Received> out = new ArrayList<>();
        for (int i = linesRead; i < lines.length; i++) {
            JsonNode line = JSON.readTree(lines[i]);
            Map<String, String> attributes = new LinkedHashMap<>();
            line.get("attributes").fields().forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
            String messageId = line.hasNonNull("messageId") ? line.get("messageId").asText() : null;
            out.add(new Received(messageId, line.get("cloudEvent").toString(), attributes, attributes.get("streamId")));
        }
        linesRead = lines.length;
        return out;
    }

    /** A body that is not JSON cannot be written as the line's CloudEvent. */
    @Override
    protected OutboxMessage refused(OutboxMessage message) {
        return withBody(message, "not json {");
    }

    @Override
    protected boolean destinationsConfigured() {
        return false;
    }
}
