package io.inlet.gcp.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inlet.gcp.decode.PushDelivery;
import io.inlet.gcp.decode.PushEnvelopeDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Any push request body decodes to a delivery (an object notice, a business message or an
 * undecodable one with its reason): decoding never throws, so a poison push is acknowledged with a
 * recorded reason instead of crashing the function.
 */
class PushEnvelopeDecoderFuzzTest {

    static final String[] SEEDS = {
        "{\"subscription\":\"projects/p/subscriptions/s\",\"deliveryAttempt\":1,\"message\":{\"messageId\":\"1\",\"data\":\"",
        "{\"message\":{\"messageId\":\"2\",\"attributes\":{\"eventType\":\"OBJECT_FINALIZE\",\"bucketId\":\"b\",\"objectId\":\"",
        "{\"message\":{\"data\":\"eyJ",
    };

    @FuzzTest(maxDuration = "15s")
    void anyPushBodyDecodesWithoutThrowing(FuzzedDataProvider data) {
        String prefix = data.consumeBoolean() ? data.pickValue(SEEDS) : "";
        byte[] body = (prefix + data.consumeRemainingAsString()).getBytes(StandardCharsets.UTF_8);
        PushDelivery delivery = PushEnvelopeDecoder.decode(body, data.consumeBoolean() ? "billing" : null);
        if (delivery == null) throw new IllegalStateException("decoder returned null");
    }
}
