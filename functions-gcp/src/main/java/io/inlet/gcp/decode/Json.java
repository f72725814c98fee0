package io.inlet.gcp.decode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.trigger.PayloadDigest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The JSON and text reading every decoder shares: strict, with errors that say what was expected. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    static JsonNode object(String text, String what) throws DecodeException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DecodeException(what + " is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new DecodeException(what + " is not a JSON object" + (node == null ? " (empty)" : ": " + node.getNodeType()));
        }
        return node;
    }

    /** UTF-8, refusing malformed bytes rather than replacing them silently. */
    static String utf8(byte[] bytes, String what) throws DecodeException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException(what + " is not UTF-8 text");
        }
    }

    /** A stable id for a payload that carries none, so a poison payload can still be recorded once. */
    static String digestId(byte[] payload) {
        return PayloadDigest.id(payload);
    }
}
