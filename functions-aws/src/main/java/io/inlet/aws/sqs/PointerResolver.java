package io.inlet.aws.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Resolves an inbound SQS record that carries a large-message pointer (the SQS Extended Client's or
 * Powertools' {@link PayloadS3Pointer}, Inlet's own claim checks included) into the record with the
 * object's content as its body, before the record is decoded. A record is a pointer when it carries
 * {@code ExtendedPayloadSize} / {@code SQSLargePayloadSize} or its body is shaped as one.
 *
 * <ul>
 *   <li>only buckets in the allow-list are read: a pointer to any other bucket is {@link Refused} and never fetched;</li>
 *   <li>a malformed pointer, a missing object (404), an object over {@link #MAX_PAYLOAD_BYTES} or not UTF-8 text is
 *       {@link Refused}: permanent, recorded with the reason;</li>
 *   <li>any other S3 failure (unreachable, throttled, denied) is {@link Unavailable}: the record comes back.</li>
 * </ul>
 * The reserved size attributes are dropped from the resolved record; the others go on with it.
 */
public final class PointerResolver {

    /** The largest payload resolved: it is held in memory with the record. */
    public static final long MAX_PAYLOAD_BYTES = 64L * 1024 * 1024;

    /** What became of one record. */
    public sealed interface Resolution permits NotAPointer, Resolved, Refused, Unavailable {
    }

    /** An ordinary record: decode it as it is. */
    public record NotAPointer() implements Resolution {
    }

    /** The record with the object's content as its body. */
    public record Resolved(SQSMessage message, PayloadS3Pointer pointer) implements Resolution {
    }

    /** A pointer that will never resolve; give the record up with this reason. */
    public record Refused(String reason) implements Resolution {
    }

    /** S3 did not answer as it should: try the record again later. */
    public record Unavailable(String reason) implements Resolution {
    }

    private final S3Client s3;
    private final Set<String> allowedBuckets;
    private final String allowListSetting;

    /**
     * @param s3               reads the objects; may be null when no bucket is allowed
     * @param allowedBuckets   the buckets a pointer may name
     * @param allowListSetting the setting to name in a refusal (e.g. the environment variable)
     */
    public PointerResolver(S3Client s3, Set<String> allowedBuckets, String allowListSetting) {
        this.s3 = s3;
        this.allowedBuckets = new TreeSet<>(allowedBuckets);
        this.allowListSetting = Objects.requireNonNull(allowListSetting, "allowListSetting");
        if (!this.allowedBuckets.isEmpty() && s3 == null) throw new IllegalArgumentException("allowed buckets need an S3 client");
    }

    public Resolution resolve(SQSMessage message) {
        Map<String, MessageAttribute> attributes = message.getMessageAttributes() == null ? Map.of()
                : message.getMessageAttributes();
        boolean flagged = PayloadS3Pointer.flagged(attributes.keySet());
        Optional<PayloadS3Pointer> parsed;
        try {
            parsed = PayloadS3Pointer.parse(message.getBody());
        } catch (IllegalArgumentException e) {
            return new Refused("large-message pointer is malformed: " + e.getMessage());
        }
        if (parsed.isEmpty()) {
            return flagged ? new Refused("message carries " + sizeAttribute(attributes)
                    + " but its body is not a " + PayloadS3Pointer.CLASS_NAME + " pointer") : new NotAPointer();
        }
        PayloadS3Pointer pointer = parsed.get();
        if (!allowedBuckets.contains(pointer.bucket())) {
            return new Refused("large-message pointer names bucket '" + pointer.bucket() + "', which is not in "
                    + allowListSetting + " " + allowedBuckets + "; not fetched");
        }
        String body;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(pointer.bucket()).key(pointer.key()))) {
            Long length = in.response().contentLength();
            if (length != null && length > MAX_PAYLOAD_BYTES) {
                return new Refused("large-message object " + pointer + " has " + length + " bytes, more than "
                        + MAX_PAYLOAD_BYTES);
            }
            body = utf8(readAtMost(in, MAX_PAYLOAD_BYTES), pointer);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return new Refused("large-message object " + pointer + " does not exist ("
                        + (e.awsErrorDetails() == null ? "404" : e.awsErrorDetails().errorCode()) + ")");
            }
            return new Unavailable("reading large-message object " + pointer + " failed: " + e.getMessage());
        } catch (SdkException | IOException | UncheckedIOException e) {
            return new Unavailable("reading large-message object " + pointer + " failed: " + e.getMessage());
        } catch (PayloadRefused e) {
            return new Refused(e.getMessage());
        }
        return new Resolved(withBody(message, body), pointer);
    }

    private static String sizeAttribute(Map<String, MessageAttribute> attributes) {
        return attributes.containsKey(PayloadS3Pointer.SIZE_ATTRIBUTE) ? PayloadS3Pointer.SIZE_ATTRIBUTE
                : PayloadS3Pointer.LEGACY_SIZE_ATTRIBUTE;
    }

    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (bytes.length > max) throw new PayloadRefused("large-message object is larger than " + max + " bytes");
        return bytes;
    }

    private static String utf8(byte[] bytes, PayloadS3Pointer pointer) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PayloadRefused("large-message object " + pointer + " is not UTF-8 text");
        }
    }

    /** A copy of the record with another body and without the reserved size attributes. */
    static SQSMessage withBody(SQSMessage m, String body) {
        SQSMessage out = new SQSMessage();
        out.setMessageId(m.getMessageId());
        out.setReceiptHandle(m.getReceiptHandle());
        out.setBody(body);
        out.setMd5OfBody(m.getMd5OfBody());
        out.setMd5OfMessageAttributes(m.getMd5OfMessageAttributes());
        out.setEventSourceArn(m.getEventSourceArn());
        out.setEventSource(m.getEventSource());
        out.setAwsRegion(m.getAwsRegion());
        out.setAttributes(m.getAttributes());
        if (m.getMessageAttributes() != null) {
            Map<String, MessageAttribute> attributes = new LinkedHashMap<>(m.getMessageAttributes());
            attributes.remove(PayloadS3Pointer.SIZE_ATTRIBUTE);
            attributes.remove(PayloadS3Pointer.LEGACY_SIZE_ATTRIBUTE);
            out.setMessageAttributes(attributes);
        }
        return out;
    }

    private static final class PayloadRefused extends RuntimeException {
        PayloadRefused(String message) {
            super(message);
        }
    }
}
