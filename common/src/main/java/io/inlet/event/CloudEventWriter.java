package io.inlet.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/** Renders derived events as CloudEvents 1.0 structured-mode JSON, with the CloudEvents SDK. */
public final class CloudEventWriter {

    private final EventFormat format = new JsonFormat();

    public String write(UUID id, String source, String type, Instant time, String subject, int schemaVersion,
                        String correlationId, String causationId, String payloadJson) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id.toString())
                .withSource(URI.create(source))
                .withType(type)
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withExtension("schemaversion", schemaVersion)
                .withData(payloadJson.getBytes(StandardCharsets.UTF_8));
        if (subject != null) b.withSubject(subject);
        if (correlationId != null) b.withExtension("correlationid", correlationId);
        if (causationId != null) b.withExtension("causationid", causationId);
        CloudEvent event = b.build();
        return new String(format.serialize(event), StandardCharsets.UTF_8);
    }
}
