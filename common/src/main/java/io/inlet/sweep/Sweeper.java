package io.inlet.sweep;

import io.inlet.feed.FeedRegistry;
import io.inlet.source.ListedObject;
import io.inlet.source.ObjectLister;
import io.inlet.source.ObjectRef;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One sweep: lists {@code bucket/prefix}, reads the ledger rows of its keys and compares them.
 * Control objects of a feed (receipts Inlet wrote under its receipt prefix, control-total sidecars
 * of its data keys: {@link FeedRegistry#controlOwner}) are not vendor files: they are left out of
 * the listing, so they are never findings and never redriven.
 */
public final class Sweeper {

    private final ObjectLister lister;
    private final SweepLedger ledger;
    private final Predicate<ObjectRef> controlObject;

    /** Without the feeds: every listed object is compared (no control object is known). */
    public Sweeper(ObjectLister lister, SweepLedger ledger) {
        this(lister, ledger, ref -> false);
    }

    /** With the feeds: their receipts and sidecars are skipped. */
    public Sweeper(ObjectLister lister, SweepLedger ledger, FeedRegistry feeds) {
        this(lister, ledger, ref -> feeds.controlOwner(ref.bucket(), ref.key()).isPresent());
    }

    private Sweeper(ObjectLister lister, SweepLedger ledger, Predicate<ObjectRef> controlObject) {
        this.lister = lister;
        this.ledger = ledger;
        this.controlObject = controlObject;
    }

    public SweepReport sweep(String bucket, String prefix, Sweep.Window window) throws IOException, SQLException {
        List<ListedObject> inWindow = new ArrayList<>();
        lister.list(bucket, prefix, o -> {
            if (window.contains(o.lastModified()) && !controlObject.test(o.ref())) inWindow.add(o);
        });
        return Sweep.compare(bucket, prefix, window, inWindow, ledger.entries(bucket, prefix));
    }
}
