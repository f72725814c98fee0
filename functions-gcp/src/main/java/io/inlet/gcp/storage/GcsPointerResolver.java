package io.inlet.gcp.storage;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.inlet.ingest.InboundMessage;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.Undecodable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves a Pub/Sub business message that is a {@link GcsPointer} into the message with the object's
 * content as its body, before the core sees it. A message is a pointer when it carries
 * {@link GcsPointer#SIZE_ATTRIBUTE} or its data is shaped as one.
 *
 * <ul>
 *   <li>only buckets in the allow-list are read: a pointer to another bucket becomes {@link Undecodable}
 *       (given up, recorded with the reason) and is never fetched;</li>
 *   <li>a malformed pointer, a missing object, one over {@link #MAX_PAYLOAD_BYTES} or not UTF-8 is {@link Undecodable};</li>
 *   <li>any other storage failure throws {@link PayloadUnavailableException}: the message is retried.</li>
 * </ul>
 * Other deliveries pass unchanged.
 */
public final class GcsPointerResolver {

    /** The largest payload resolved: it is held in memory with the message. */
    public static final long MAX_PAYLOAD_BYTES = 64L * 1024 * 1024;

    /** Storage did not answer as it should; the message should come back. */
    public static final class PayloadUnavailableException extends RuntimeException {
        public PayloadUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Storage storage;
    private final Set<String> allowedBuckets;

    public GcsPointerResolver(Storage storage, Set<String> allowedBuckets) {
        this.storage = storage;
        this.allowedBuckets = new TreeSet<>(allowedBuckets);
    }

    public Delivery resolve(Delivery delivery) {
        if (!(delivery instanceof BusinessMessage business)) return delivery;
        InboundMessage m = business.message();
        boolean flagged = GcsPointer.flagged(m.attributes());
        Optional<GcsPointer> parsed;
        try {
            parsed = GcsPointer.parse(m.body());
        } catch (IllegalArgumentException e) {
            return new Undecodable("large-message pointer is malformed: " + e.getMessage(), m);
        }
        if (parsed.isEmpty()) {
            return flagged ? new Undecodable("message carries " + GcsPointer.SIZE_ATTRIBUTE + " but its data is not a "
                    + GcsPointer.CLASS_NAME + " pointer", m) : delivery;
        }
        GcsPointer pointer = parsed.get();
        if (!allowedBuckets.contains(pointer.bucket())) {
            return new Undecodable("large-message pointer names bucket '" + pointer.bucket() + "', which is not in "
                    + GcsClaimCheck.ALLOWED_BUCKETS + " " + allowedBuckets + "; not fetched", m);
        }
        byte[] bytes;
        try {
            Blob blob = storage.get(BlobId.of(pointer.bucket(), pointer.name()));
            if (blob == null) return new Undecodable("large-message object " + pointer + " does not exist", m);
            if (blob.getSize() != null && blob.getSize() > MAX_PAYLOAD_BYTES) {
                return new Undecodable("large-message object " + pointer + " has " + blob.getSize() + " bytes, more than "
                        + MAX_PAYLOAD_BYTES, m);
            }
            bytes = blob.getContent();
        } catch (StorageException e) {
            if (e.getCode() == 404) return new Undecodable("large-message object " + pointer + " does not exist", m);
            throw new PayloadUnavailableException("reading large-message object " + pointer + " failed: " + e.getMessage(), e);
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new Undecodable("large-message object " + pointer + " is not UTF-8 text", m);
        }
        Map<String, String> attributes = new LinkedHashMap<>(m.attributes());
        attributes.remove(GcsPointer.SIZE_ATTRIBUTE);
        return new BusinessMessage(new InboundMessage(m.messageId(), m.channel(), body, attributes), business.trace());
    }
}
