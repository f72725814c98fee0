package io.inlet.read;

import java.util.List;

/**
 * The events of one read and where the next read starts.
 *
 * @param events events in (tx, position) order, at most the request's limit
 * @param next   the checkpoint to read after next time: the last event returned or, when a type
 *               filter skipped rows, the last row looked at (so a rare type does not rescan them)
 * @param more   true when the read stopped at its limit or its scan window: reading again from
 *               {@code next} may return more at once. False means the reader is at the safe tail:
 *               nothing more is readable until a running transaction finishes or a new one commits
 */
public record ReadBatch(List<ReadEvent> events, Checkpoint next, boolean more) {

    public ReadBatch {
        events = List.copyOf(events);
    }
}
