package io.inlet.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.ledger.Retention;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet purge}: old bookkeeping goes in bounded batches; events and unpublished outbox rows never. */
class RetentionTest {

    @TempDir
    Path dir;
    OpsFixture fx;
    Inlet inlet;

    @BeforeEach
    void setUp() throws Exception {
        fx = new OpsFixture(dir);
        inlet = fx.inlet(OpsFixture.FIXED, "w1");
        inlet.ingestFile(fx.write("orders/a.csv", 12), fx.source, Deadline.none()); // 12 events, 12 outbox rows
        // 5 published 100 days ago, 3 published yesterday, 4 unpublished (2 of them created long ago)
        fx.execute("""
                WITH o AS (SELECT outbox_id, row_number() OVER (ORDER BY outbox_id) n FROM outbox)
                UPDATE outbox SET published_at = CASE WHEN o.n <= 5 THEN now() - interval '100 days'
                                                      WHEN o.n <= 8 THEN now() - interval '1 day' END,
                                  created_at = CASE WHEN o.n > 10 THEN now() - interval '200 days' ELSE created_at END
                  FROM o WHERE o.outbox_id = outbox.outbox_id""");
        fx.execute("""
                INSERT INTO processed_messages (channel, message_id, status, last_seen, first_seen)
                SELECT 'billing', 'm' || i, CASE WHEN i % 2 = 0 THEN 'PROCESSED' ELSE 'FAILED' END,
                       now() - (i * 20 || ' days')::interval, now() - (i * 20 || ' days')::interval
                  FROM generate_series(1, 9) i""");  // 20..180 days: 5 of them (100..180) older than 90 days
    }

    Retention.Report purge(boolean dryRun, int batch) {
        return inlet.purge(new Retention.Request(Duration.ofDays(90), batch, dryRun));
    }

    @Test
    void aDryRunCountsWhatWouldGoAndDeletesNothing() throws Exception {
        Retention.Report report = purge(true, 2);
        assertThat(report.purged()).extracting(Retention.Purged::table, Retention.Purged::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("processed_messages", 5L),
                        org.assertj.core.groups.Tuple.tuple("outbox", 5L));
        assertThat(fx.count("SELECT count(*) FROM outbox")).isEqualTo(12);
        assertThat(fx.count("SELECT count(*) FROM processed_messages")).isEqualTo(9);
    }

    @Test
    void oldProcessedMessagesAndPublishedOutboxRowsGoInBatchesAndNothingElse() throws Exception {
        Retention.Report report = purge(false, 2);
        assertThat(report.purged()).extracting(Retention.Purged::table, Retention.Purged::count, Retention.Purged::batches)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("processed_messages", 5L, 3),
                        org.assertj.core.groups.Tuple.tuple("outbox", 5L, 3));
        assertThat(fx.count("SELECT count(*) FROM order_events")).as("never events").isEqualTo(12);
        assertThat(fx.count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).as("never unpublished rows").isEqualTo(4);
        assertThat(fx.count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")).isEqualTo(3);
        assertThat(fx.count("SELECT count(*) FROM processed_messages WHERE last_seen < now() - interval '90 days'")).isZero();
        assertThat(fx.count("SELECT count(*) FROM processed_messages")).isEqualTo(4);
        assertThat(purge(false, 2).total()).as("a second purge finds nothing").isZero();
    }

    @Test
    void rejectsArePurgedOnlyOnceResolvedAndOnlyWhereTheSchemaKnowsResolution() throws Exception {
        inlet.ingestFile(fx.write("orders/bad.csv", 3, 1, 2, 3), fx.source, Deadline.none()); // 3 rejects... with the fixed feed none
        fx.execute("""
                INSERT INTO rejected_records (file_id, feed, record_number, kind, reason, recorded_at)
                SELECT (SELECT min(file_id) FROM ingested_files), 'orders', 100 + i, 'INVALID', 'old', now() - interval '300 days'
                  FROM generate_series(1, 4) i""");
        Retention.Report withoutColumn = purge(false, 10);
        assertThat(withoutColumn.skipped()).singleElement().asString().contains("resolved_at");
        assertThat(fx.count("SELECT count(*) FROM rejected_records")).isEqualTo(4);

        // once rejects can be resolved (rejects replay), resolved old ones go, unresolved ones stay
        fx.execute("ALTER TABLE rejected_records ADD COLUMN resolved_at timestamptz");
        fx.execute("UPDATE rejected_records SET resolved_at = now() - interval '120 days' WHERE record_number IN (101, 102)");
        fx.execute("UPDATE rejected_records SET resolved_at = now() - interval '10 days' WHERE record_number = 103");
        Retention.Report withColumn = purge(false, 10);
        assertThat(withColumn.skipped()).isEmpty();
        assertThat(fx.rows("SELECT record_number::text FROM rejected_records ORDER BY 1")).containsExactly("103", "104");
    }

    @Test
    void aCutOffUnderADayOrABadBatchSizeIsRefused() {
        assertThatThrownBy(() -> new Retention.Request(Duration.ofHours(3), 100, false)).hasMessageContaining("at least 1d");
        assertThatThrownBy(() -> new Retention.Request(Duration.ofDays(90), 0, false)).hasMessageContaining("batch size");
    }
}
