package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.ledger.FileStatus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.EventIds;
import io.inlet.source.ObjectRef;
import io.inlet.event.PostgresValues;
import java.util.UUID;

/** The FileIngested / FileRejected summary event of a finished file, as its outbox payload. */
record FileSummary(long fileId, String feed, ObjectRef object, FileStatus status, Counts counts, String firstError,
                   long durationMs, String correlationId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    String eventType() {
        return status == FileStatus.COMPLETED ? "FileIngested" : "FileRejected";
    }

    UUID eventId() {
        return EventIds.of("file:" + fileId + ":" + eventType());
    }

    String streamId() {
        return "file-" + fileId;
    }

    String payloadJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("fileId", fileId);
        n.put("feed", feed);
        n.put("bucket", object.bucket());
        n.put("key", object.key());
        n.put("version", object.version());
        n.put("etag", object.etag());
        n.put("status", status.databaseValue());
        n.put("recordsRead", counts.read());
        n.put("appended", counts.appended());
        n.put("duplicate", counts.duplicate());
        n.put("conflict", counts.conflict());
        n.put("rejected", counts.rejected());
        n.put("firstError", PostgresValues.storable(firstError)); // jsonb refuses a NUL the error may quote
        n.put("durationMs", durationMs);
        n.put("correlationId", correlationId);
        return n.toString();
    }
}
