package io.inlet.ingest;

import io.inlet.parse.ResumePoint;

/**
 * The records of a file between two checkpoints, read and mapped and split between the file's
 * lanes, ready to commit: one transaction per lane that has anything to commit, the lanes side by
 * side. Where the next batch starts, and why this one ended where it did.
 */
final class FileBatch {

    /** Why the batch ended where it did. */
    enum End { FULL, DEADLINE, END_OF_FILE }

    final LaneBatch[] lanes;
    /** Records read from the file for this batch, including those a lane skipped as already committed. */
    long read;
    ResumePoint next;
    End end;

    FileBatch(int laneCount) {
        lanes = new LaneBatch[laneCount];
        for (int i = 0; i < laneCount; i++) lanes[i] = new LaneBatch();
    }
}
