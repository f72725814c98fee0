package io.inlet.event;

import io.inlet.source.ObjectRef;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;

/**
 * Deterministic event ids: UUIDv5 (SHA-1 name-based, RFC 9562 section 5.5) over {@link #NAMESPACE}.
 * The same record, message or CloudEvent always yields the same id, so a redelivered notification,
 * a rerun or a retried batch appends nothing new. The names below are part of the stored data:
 * changing one changes every id it produces.
 */
public final class EventIds {

    /** Inlet's fixed namespace (generated once, randomly, for this project; never change it). */
    public static final UUID NAMESPACE = UUID.fromString("9356376b-4e31-4008-9f69-3841c3f10ac2");

    /** Separates joined values in names; a unit separator cannot occur in ordinary text. */
    public static final char SEPARATOR = '\u001f';

    private EventIds() {
    }

    /** UUIDv5 of {@code name} (UTF-8) in {@code namespace}. */
    public static UUID nameBased(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }

    /** UUIDv5 of {@code name} in Inlet's namespace. */
    public static UUID of(String name) {
        return nameBased(NAMESPACE, name);
    }

    /** Id strategy {@code column}: {@code feed:<feed>:id:<value>}. */
    public static String columnName(String feed, String value) {
        return "feed:" + feed + ":id:" + value;
    }

    /** Id strategy {@code hash}: {@code feed:<feed>:hash:<v1>\u001f<v2>...}. */
    public static String hashName(String feed, List<String> values) {
        return "feed:" + feed + ":hash:" + String.join(String.valueOf(SEPARATOR), values);
    }

    /**
     * Id strategy {@code position} for files: {@code object:<bucket>/<key>#<version or etag or "">:<record>}.
     * The object version (or ETag) is part of the name so a new version of the same key yields new ids.
     */
    public static String objectPositionName(ObjectRef object, long recordNumber) {
        String version = object.version() != null ? object.version() : object.etag() != null ? object.etag() : "";
        return "object:" + object.bucket() + "/" + object.key() + "#" + version + ":" + recordNumber;
    }

    /** A CloudEvent is unique by source and id (CloudEvents 1.0): {@code ce:<source>\u001f<id>}. */
    public static String cloudEventName(String source, String id) {
        return "ce:" + source + SEPARATOR + id;
    }

    /** Id strategy {@code position} for messages: {@code msg:<channel>:<messageId>:<index>}. */
    public static String messagePositionName(String channel, String messageId, long index) {
        return "msg:" + channel + ":" + messageId + ":" + index;
    }
}
