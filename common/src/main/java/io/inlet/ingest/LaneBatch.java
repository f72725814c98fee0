package io.inlet.ingest;

import io.inlet.event.EventEnvelope;
import io.inlet.parse.RecordPosition;
import io.inlet.store.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * One lane's share of a {@link FileBatch}, committed in one transaction on the lane's connection:
 * the events of the lane's streams (with where each came from, for conflict rejections) and, on the
 * first lane, the records rejected on the way.
 */
final class LaneBatch {

    /** Where an event's record was and its text: all a conflict rejection needs (not the parsed fields). */
    record Origin(RecordPosition position, String rawText) {
    }

    final List<EventEnvelope> events = new ArrayList<>();
    final List<Origin> origins = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();
    /** Records this lane accounts for: its events and its rejections. */
    long read;
}
