package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Reads Lambda event types from JSON with the Lambda runtime's own serialisation, so a payload
 * nested in an SQS or SNS body decodes exactly as the runtime decodes a direct trigger (a plain
 * ObjectMapper silently yields no S3 records: the field is {@code Records}, not {@code records}).
 *
 * <p>Each serializer is built on first use: building one costs class loading (the runtime's shaded
 * Jackson, and Joda-Time for {@link ScheduledEvent}: ~140 ms of a cold start, measured), which a
 * handler that never decodes that type should not pay. Thread-safe.
 */
public final class LambdaEventJson {

    private final Supplier<PojoSerializer<S3Event>> s3Events = serializer(S3Event.class);
    private final Supplier<PojoSerializer<ScheduledEvent>> scheduledEvents = serializer(ScheduledEvent.class);
    private final Supplier<PojoSerializer<SQSEvent>> sqsEvents = serializer(SQSEvent.class);

    public S3Event s3Event(String json) {
        return s3Events.get().fromJson(json);
    }

    public ScheduledEvent scheduledEvent(String json) {
        return scheduledEvents.get().fromJson(json);
    }

    public SQSEvent sqsEvent(String json) {
        return sqsEvents.get().fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The JSON the runtime would send for an SQS event (used to build batches from received messages). */
    public String toJson(SQSEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sqsEvents.get().toJson(event, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static <T> Supplier<PojoSerializer<T>> serializer(Class<T> type) {
        return new Supplier<>() {
            private volatile PojoSerializer<T> built;

            @Override
            public PojoSerializer<T> get() {
                PojoSerializer<T> s = built;
                if (s == null) {
                    synchronized (this) {
                        s = built;
                        if (s == null) {
                            built = s = LambdaEventSerializers.serializerFor(type, LambdaEventJson.class.getClassLoader());
                        }
                    }
                }
                return s;
            }
        };
    }
}
