package io.inlet.gcp.decode;

import io.inlet.source.ObjectRef;
import java.util.Objects;

/**
 * A change to one object generation.
 *
 * @param object                  bucket, decoded key, generation as version, content hash, size
 * @param change                  what happened to it
 * @param noticeId                the CloudEvent id or Pub/Sub message id that carried it (for logs)
 * @param overwrittenByGeneration for {@link ObjectChange#OVERWRITTEN}: the generation that replaced it, else null
 */
public record ObjectNotice(ObjectRef object, ObjectChange change, String noticeId, String overwrittenByGeneration)
        implements Decoded {

    public ObjectNotice {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(change, "change");
    }
}
