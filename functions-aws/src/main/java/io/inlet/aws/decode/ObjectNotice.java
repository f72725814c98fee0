package io.inlet.aws.decode;

import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import java.util.Objects;

/**
 * One S3 object notification.
 *
 * @param ref       the object version (key decoded exactly once, version id kept when present)
 * @param kind      created or removed
 * @param sequencer S3's per-key ordering token (hex, compared right-padded: {@link ObjectSequencer}); null when absent
 */
public record ObjectNotice(ObjectRef ref, Kind kind, ObjectSequencer sequencer) {

    public enum Kind { CREATED, REMOVED }

    public ObjectNotice {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(kind, "kind");
    }
}
