package io.inlet.ingest;

import io.inlet.event.EventEnvelope;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ResumePoint;
import io.inlet.store.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a file between two checkpoints, read and mapped, ready to commit in one
 * transaction: the events (with the raw records they came from, for conflict rejections), the
 * records rejected on the way, and where the next batch starts.
 */
final class FileBatch {

    /** Why the batch ended where it did. */
    enum End { FULL, DEADLINE, END_OF_FILE }

    final List<EventEnvelope> events = new ArrayList<>();
    final List<RawRecord> items = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();
    long read;
    ResumePoint next;
    End end;
}
