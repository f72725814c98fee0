package io.inlet.gcp.decode;

import io.inlet.event.TraceContext;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import java.util.Objects;

/**
 * A change to one object generation.
 *
 * @param object                  bucket, decoded key, generation as version, content hash, size
 * @param change                  what happened to it
 * @param noticeId                the CloudEvent id or Pub/Sub message id that carried it (for logs)
 * @param overwrittenByGeneration for {@link ObjectChange#OVERWRITTEN}: the generation that replaced it, else null
 * @param trace                   the trace context the notification carried, else null: the correlation of the file's events
 */
public record ObjectNotice(ObjectRef object, ObjectChange change, String noticeId, String overwrittenByGeneration,
                           TraceContext trace) implements Decoded {

    public ObjectNotice {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(change, "change");
    }

    /**
     * The notice's place in its key's history: the generation, compared as a number; null when the
     * object has none. A deletion of a generation comes after that generation's finalize.
     */
    public ObjectSequencer sequencer() {
        return ObjectSequencer.gcsGeneration(object.version());
    }

    /** A notice that carried no trace context. */
    public ObjectNotice(ObjectRef object, ObjectChange change, String noticeId, String overwrittenByGeneration) {
        this(object, change, noticeId, overwrittenByGeneration, null);
    }
}
