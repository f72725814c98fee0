package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads Lambda event types from JSON with the Lambda runtime's own serialisation, so a payload
 * nested in an SQS or SNS body decodes exactly as the runtime decodes a direct trigger (a plain
 * ObjectMapper silently yields no S3 records: the field is {@code Records}, not {@code records}).
 */
public final class LambdaEventJson {

    private final PojoSerializer<S3Event> s3Events;
    private final PojoSerializer<ScheduledEvent> scheduledEvents;
    private final PojoSerializer<SQSEvent> sqsEvents;

    public LambdaEventJson() {
        ClassLoader loader = LambdaEventJson.class.getClassLoader();
        this.s3Events = LambdaEventSerializers.serializerFor(S3Event.class, loader);
        this.scheduledEvents = LambdaEventSerializers.serializerFor(ScheduledEvent.class, loader);
        this.sqsEvents = LambdaEventSerializers.serializerFor(SQSEvent.class, loader);
    }

    public S3Event s3Event(String json) {
        return s3Events.fromJson(json);
    }

    public ScheduledEvent scheduledEvent(String json) {
        return scheduledEvents.fromJson(json);
    }

    public SQSEvent sqsEvent(String json) {
        return sqsEvents.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The JSON the runtime would send for an SQS event (used to build batches from received messages). */
    public String toJson(SQSEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sqsEvents.toJson(event, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
