package io.inlet.sweep;

import io.inlet.source.ListedObject;
import io.inlet.source.ObjectLister;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** One sweep: lists {@code bucket/prefix}, reads the ledger rows of its keys and compares them. */
public final class Sweeper {

    private final ObjectLister lister;
    private final SweepLedger ledger;

    public Sweeper(ObjectLister lister, SweepLedger ledger) {
        this.lister = lister;
        this.ledger = ledger;
    }

    public SweepReport sweep(String bucket, String prefix, Sweep.Window window) throws IOException, SQLException {
        List<ListedObject> inWindow = new ArrayList<>();
        lister.list(bucket, prefix, o -> {
            if (window.contains(o.lastModified())) inWindow.add(o);
        });
        return Sweep.compare(bucket, prefix, window, inWindow, ledger.entries(bucket, prefix));
    }
}
