package io.inlet.aws.fuzz;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inlet.trigger.Delivery;
import java.util.List;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.aws.decode.SqsBodyDecoder;
import java.util.HashMap;
import java.util.Map;

/**
 * Any SQS body (raw, S3/SNS/EventBridge-shaped or not) decodes to a list of {@link Delivery}:
 * decoding never throws, so one bad body can never crash a batch.
 */
class SqsBodyDecoderFuzzTest {

    static final SqsBodyDecoder DECODER = new SqsBodyDecoder(new LambdaEventJson());
    static final String[] SEEDS = {
        "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"",
        "{\"Type\":\"Notification\",\"Message\":\"",
        "{\"version\":\"0\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"",
        "{\"specversion\":\"1.0\",\"id\":\"",
        "{\"Event\":\"s3:TestEvent\"",
    };

    @FuzzTest(maxDuration = "15s")
    void anyBodyDecodesWithoutThrowing(FuzzedDataProvider data) {
        SQSMessage m = new SQSMessage();
        m.setMessageId("m-1");
        m.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:ingest");
        Map<String, MessageAttribute> attributes = new HashMap<>();
        if (data.consumeBoolean()) {
            MessageAttribute a = new MessageAttribute();
            a.setDataType("String");
            a.setStringValue(data.consumeString(60));
            attributes.put(data.pickValue(new String[] {"traceparent", "ce-id", "ce-type", "x"}), a);
        }
        m.setMessageAttributes(attributes);
        String body = (data.consumeBoolean() ? data.pickValue(SEEDS) : "") + data.consumeRemainingAsString();
        m.setBody(body);
        List<Delivery> decoded = DECODER.decode(m, "ingest");
        if (decoded == null || decoded.isEmpty() || decoded.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalStateException("decoder returned no delivery: " + decoded);
        }
    }
}
