package io.inlet.trigger;

import io.inlet.event.TraceContext;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.source.ObjectSource;

/**
 * The calls of the core a delivery can ask for ({@code io.inlet.Inlet} implements it). Each throws
 * {@link io.inlet.failure.RetryableException} when trying again may succeed and
 * {@link io.inlet.failure.PermanentException} when it cannot; {@link Disposition} tells them apart.
 */
public interface Ingestion {

    /** Ingests one object version up to the deadline; idempotent per version; a stale sequencer ingests nothing. */
    FileReport ingestFile(ObjectRef ref, ObjectSource source, Deadline deadline, ObjectSequencer sequencer, TraceContext trace);

    /** Records that an object version was removed; ingests nothing. */
    FileReport recordRemoval(ObjectRef ref, ObjectSequencer sequencer);

    /** Appends the events a message carries, once per message id and once per event id. */
    MessageOutcome ingestMessage(InboundMessage message);

    /** Records a delivery that failed permanently, with the reason. */
    void recordFailedMessage(InboundMessage message, String reason);
}
