package io.inlet.conformance;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.inlet.aws.decode.EventBridgeDecoder;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.aws.decode.S3EventDecoder;
import io.inlet.aws.decode.SqsBodyDecoder;
import io.inlet.aws.decode.SqsDelivery;
import io.inlet.gcp.decode.MessagePublishedDecoder;
import io.inlet.gcp.decode.PushEnvelopeDecoder;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.trigger.Delivery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes a sample payload the way its entry point receives it: AWS payloads through the Lambda
 * runtime's own event classes ({@link LambdaEventJson}), GCP CloudEvents through the CloudEvents SDK,
 * push bodies as the HTTP body. The route is named by the file name, as in both clouds' sample folders.
 */
final class SampleDecoders {

    private static final LambdaEventJson LAMBDA_JSON = new LambdaEventJson();
    private static final SqsBodyDecoder SQS_BODIES = new SqsBodyDecoder(LAMBDA_JSON);

    private SampleDecoders() {
    }

    static List<Delivery> decode(String cloud, Path file) {
        try {
            return cloud.equals("aws") ? aws(file) : List.of(gcp(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Delivery> aws(Path file) throws IOException {
        String name = file.getFileName().toString();
        String json = Files.readString(file);
        if (name.startsWith("sqs-")) {
            SQSEvent event = LAMBDA_JSON.sqsEvent(json);
            List<Delivery> out = new ArrayList<>();
            for (SQSMessage m : event.getRecords()) {
                String queue = SqsDelivery.queueName(m.getEventSourceArn());
                out.addAll(SQS_BODIES.decode(m, queue == null ? "sqs" : queue));
            }
            return out;
        }
        if (name.startsWith("eventbridge-")) return List.of(EventBridgeDecoder.decode(LAMBDA_JSON.scheduledEvent(json), null));
        if (name.equals("s3-test-event.json")) {
            // S3 sends its test event to queues and topics only: it arrives as an SQS body
            SQSMessage m = new SQSMessage();
            m.setMessageId("test-event-" + name);
            m.setBody(json);
            return SQS_BODIES.decode(m, "inlet-vendor-files");
        }
        return S3EventDecoder.decode(LAMBDA_JSON.s3Event(json), null);
    }

    private static Delivery gcp(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.startsWith("push-")) return PushEnvelopeDecoder.decode(Files.readAllBytes(file), null).content();
        CloudEvent event = name.endsWith(".http") ? binaryMode(Files.readString(file))
                : new JsonFormat().deserialize(Files.readAllBytes(file));
        if (name.contains("storage-")) return StorageEventDecoder.decode(event);
        return MessagePublishedDecoder.decode(event, null);
    }

    /** A recorded HTTP request in CloudEvents binary mode: {@code ce-*} headers, the data as body. */
    private static CloudEvent binaryMode(String request) {
        String[] parts = request.replace("\r\n", "\n").split("\n\n", 2);
        Map<String, String> headers = new LinkedHashMap<>();
        Arrays.stream(parts[0].split("\n")).skip(1).forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        });
        CloudEventBuilder b = CloudEventBuilder.fromSpecVersion(SpecVersion.parse(headers.get("ce-specversion")))
                .withId(headers.get("ce-id")).withType(headers.get("ce-type"))
                .withSource(URI.create(headers.get("ce-source")));
        if (headers.containsKey("ce-subject")) b.withSubject(headers.get("ce-subject"));
        if (headers.containsKey("ce-time")) b.withTime(OffsetDateTime.parse(headers.get("ce-time")));
        String body = parts.length > 1 ? parts[1] : "";
        if (!body.isEmpty()) b.withData(headers.getOrDefault("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        return b.build();
    }
}
