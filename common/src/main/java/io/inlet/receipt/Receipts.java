package io.inlet.receipt;

import io.inlet.event.EventIds;
import io.inlet.feed.Feed;
import io.inlet.feed.ReceiptSpec;
import io.inlet.outbox.OutboxStore;
import io.inlet.source.ObjectSource;
import io.inlet.source.ObjectWriter;
import io.inlet.store.TransactionRunner;
import io.inlet.totals.ControlTotalsLedger;
import io.inlet.totals.TotalsCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues the receipt of a finished file where its feed says: a JSON and a CSV object under the
 * feed's receipt prefix in its bucket, and/or a {@code FileReceipt} derived event to a destination.
 *
 * <p>Idempotent: the keys depend on the data file's key only (a redelivered or reprocessed file
 * rewrites the same two objects), the event id on the file and its outcome. Rejected records are
 * streamed from the database to temporary files and uploaded from there: memory stays bounded
 * however many there are. A failure to write is logged and never fails the file (its ledger row is
 * the record); the next delivery of the file writes the receipt again.
 */
public final class Receipts {

    private static final Logger LOG = LoggerFactory.getLogger(Receipts.class);

    private final TransactionRunner tx;
    private final OutboxStore outbox = new OutboxStore();
    private final ControlTotalsLedger totals = new ControlTotalsLedger();

    public Receipts(TransactionRunner tx) {
        this.tx = tx;
    }

    /** Writes the receipt of {@code file} as its feed says; does nothing when the feed asks for none. */
    public void issue(Feed feed, ObjectSource source, FinishedFile file) {
        ReceiptSpec spec = feed.receipts();
        if (spec == null) return;
        try {
            write(spec, source, file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("file {}: the receipt could not be written ({}); the next delivery of the file writes it again",
                    file.ref().displayName(), e.toString());
        }
    }

    private void write(ReceiptSpec spec, ObjectSource source, FinishedFile file) throws IOException {
        List<TotalsCheck> checks = totals.forFile(tx, file.fileId()).map(ControlTotalsLedger.Row::checks).orElse(List.of());
        Path json = Files.createTempFile("inlet-receipt-", ".json");
        Path csv = Files.createTempFile("inlet-receipt-", ".csv");
        try {
            ReceiptDocument.Written written = tx.inTransaction(c -> ReceiptDocument.write(c, file, checks, spec.includeValues(), json, csv));
            if (spec.prefix() != null) {
                Optional<ObjectWriter> writer = source.writer();
                if (writer.isEmpty()) {
                    LOG.warn("file {}: its feed asks for receipts under '{}', but this source cannot write", file.ref().displayName(),
                            spec.prefix());
                } else {
                    String key = spec.keyFor(file.ref().key());
                    writer.get().put(file.ref().bucket(), key + ReceiptSpec.JSON_SUFFIX, "application/json", json);
                    writer.get().put(file.ref().bucket(), key + ReceiptSpec.CSV_SUFFIX, "text/csv; charset=utf-8", csv);
                }
            }
            if (spec.destination() != null) {
                tx.inTransaction(c -> {
                    outbox.enqueue(c, spec.destination(), EventIds.of("file:" + file.fileId() + ":FileReceipt:" + file.status()
                                    + ":" + file.counts()), "FileReceipt", "file-" + file.fileId(), written.eventPayload());
                    return null;
                });
            }
        } finally {
            Files.deleteIfExists(json);
            Files.deleteIfExists(csv);
        }
    }
}
