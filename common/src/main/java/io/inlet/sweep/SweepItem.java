package io.inlet.sweep;

import io.inlet.source.ListedObject;
import java.util.Objects;

/**
 * One object the ledger does not account for.
 *
 * @param ledgerFileId the row it was matched to (the unfinished row of this version, or the newest
 *                     finished row of an older one); null when never seen
 */
public record SweepItem(Finding finding, ListedObject object, Long ledgerFileId) {

    public SweepItem {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(object, "object");
        if ((finding == Finding.NEVER_SEEN) != (ledgerFileId == null)) {
            throw new IllegalArgumentException(finding + " with ledger row " + ledgerFileId);
        }
    }
}
