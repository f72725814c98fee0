package io.inlet.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.EventIds;
import io.inlet.event.PostgresValues;
import io.inlet.ledger.FileSets;
import java.util.List;
import java.util.UUID;

/**
 * A file set's derived event, sent through the outbox to the feed's summary destinations:
 * {@code FileSetRejected} (refused as a whole) or {@code FileSetIncomplete} (still missing members
 * past its timeout). Its id is named by the set and the type, so each goes out once per set.
 */
public record FileSetEvent(String eventType, FileSets.FileSet set, List<String> members, String reason) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static FileSetEvent rejected(FileSets.FileSet set, List<String> members, String reason) {
        return new FileSetEvent("FileSetRejected", set, members, reason);
    }

    /** The incomplete set's event; {@code members} the keys it holds, {@code reason} what it lacks. */
    public static FileSetEvent incomplete(FileSets.FileSet set, List<String> members, String reason) {
        return new FileSetEvent("FileSetIncomplete", set, members, reason);
    }

    public UUID eventId() {
        return EventIds.of("file-set:" + set.setId() + ":" + eventType);
    }

    public String streamId() {
        return "file-set-" + set.setId();
    }

    public String payloadJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("setId", set.setId());
        n.put("feed", set.feed());
        n.put("bucket", set.bucket());
        n.put("prefix", set.prefix());
        n.put("openedAt", set.openedAt().toString());
        n.put("deadlineAt", set.deadlineAt().toString());
        n.put("reason", PostgresValues.storable(reason));
        var list = n.putArray("members");
        members.forEach(list::add);
        return n.toString();
    }
}
