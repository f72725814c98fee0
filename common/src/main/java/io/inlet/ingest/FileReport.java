package io.inlet.ingest;

import io.inlet.ledger.Counts;

import io.inlet.parse.ResumePoint;
import io.inlet.source.ObjectRef;
import java.time.Duration;

/**
 * The result of one attempt to ingest one object.
 *
 * @param fileId        the ledger row, or null when nothing was recorded
 * @param object        the object
 * @param feed          the feed it matched
 * @param outcome       how it ended
 * @param counts        counts of the whole file so far (all slices)
 * @param duration      time spent in this attempt
 * @param firstError    the first bad record's reason or the failure, else null
 * @param continueFrom  for {@link FileOutcome#SUSPENDED}: where the next slice starts
 */
public record FileReport(Long fileId, ObjectRef object, String feed, FileOutcome outcome, Counts counts,
                         Duration duration, String firstError, ResumePoint continueFrom) {
}
