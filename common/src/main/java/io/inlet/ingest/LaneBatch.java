package io.inlet.ingest;

import io.inlet.event.EventEnvelope;
import io.inlet.parse.RawRecord;
import io.inlet.store.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * One lane's share of a {@link FileBatch}, committed in one transaction on the lane's connection:
 * the events of the lane's streams (with the raw records they came from, for conflict rejections)
 * and, on the first lane, the records rejected on the way.
 */
final class LaneBatch {
    final List<EventEnvelope> events = new ArrayList<>();
    final List<RawRecord> items = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();
    /** Records this lane accounts for: its events and its rejections. */
    long read;
}
