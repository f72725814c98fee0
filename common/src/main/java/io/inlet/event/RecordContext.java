package io.inlet.event;

import io.inlet.source.ObjectRef;
import java.time.Instant;
import java.util.Objects;

/**
 * What a mapper knows about where a record came from, beyond the record itself.
 *
 * @param feedName      the feed the record belongs to
 * @param object        the object version the record was read from; {@code null} for messages
 * @param sourceName    how the source is named in events, e.g. {@code s3://bucket/key#v} or {@code sqs:queue/msg-id}
 * @param correlationId groups everything one file or message caused
 * @param causationId   what directly caused the events (file id, message id), may be null
 * @param ingestedAt    when ingestion started; occurred_at falls back to it only where the feed allows
 */
public record RecordContext(String feedName, ObjectRef object, String sourceName, String correlationId,
                            String causationId, Instant ingestedAt) {

    public RecordContext {
        Objects.requireNonNull(feedName, "feedName");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(ingestedAt, "ingestedAt");
    }
}
