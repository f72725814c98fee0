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
                        org.assertj.core.groups.Tuple.tuple("outbox", 5L),
                        org.assertj.core.groups.Tuple.tuple("rejected_records", 0L));
        assertThat(fx.count("SELECT count(*) FROM outbox")).isEqualTo(12);
        assertThat(fx.count("SELECT count(*) FROM processed_messages")).isEqualTo(9);
    }

    @Test
    void oldProcessedMessagesAndPublishedOutboxRowsGoInBatchesAndNothingElse() throws Exception {
        Retention.Report report = purge(false, 2);
        assertThat(report.purged()).extracting(Retention.Purged::table, Retention.Purged::count, Retention.Purged::batches)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("processed_messages", 5L, 3),
                        org.assertj.core.groups.Tuple.tuple("outbox", 5L, 3),
                        org.assertj.core.groups.Tuple.tuple("rejected_records", 0L, 0));
        assertThat(fx.count("SELECT count(*) FROM order_events")).as("never events").isEqualTo(12);
        assertThat(fx.count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).as("never unpublished rows").isEqualTo(4);
        assertThat(fx.count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")).isEqualTo(3);
        assertThat(fx.count("SELECT count(*) FROM processed_messages WHERE last_seen < now() - interval '90 days'")).isZero();
        assertThat(fx.count("SELECT count(*) FROM processed_messages")).isEqualTo(4);
        assertThat(purge(false, 2).total()).as("a second purge finds nothing").isZero();
    }

    @Test
    void onlyOldResolvedRejectsGoAndTheirFileStillBalances() throws Exception {
        inlet.ingestFile(fx.write("orders/bad.csv", 3, 1, 2, 3), fx.source, Deadline.none());
        long fileId = fx.count("SELECT min(file_id) FROM ingested_files");
        fx.execute("""
                INSERT INTO rejected_records (file_id, feed, record_number, kind, reason, recorded_at)
                SELECT %d, 'orders', 100 + i, 'INVALID', 'old', now() - interval '300 days'
                  FROM generate_series(1, 4) i""".formatted(fileId));
        fx.execute("UPDATE ingested_files SET rejected = rejected + 4 WHERE file_id = " + fileId);
        // resolved by a replay long ago (101, 102), lately (103), never (104)
        fx.execute("""
                INSERT INTO reject_replays (file_id, feed, corrected_name, corrected_sha256, actor, reason, rows_read, appended,
                                            already_stored, conflict, still_invalid, resolved)
                VALUES (%d, 'orders', 'c.csv', 'ab', 'ops', 'test', 3, 3, 0, 0, 0, 3)""".formatted(fileId));
        long replay = fx.count("SELECT max(replay_id) FROM reject_replays");
        fx.execute("UPDATE rejected_records SET resolved_at = now() - interval '120 days', resolved_by_replay = " + replay
                + " WHERE record_number IN (101, 102)");
        fx.execute("UPDATE rejected_records SET resolved_at = now() - interval '10 days', resolved_by_replay = " + replay
                + " WHERE record_number = 103");

        Retention.Report report = purge(false, 1);
        assertThat(report.skipped()).isEmpty();
        assertThat(report.purged()).filteredOn(p -> p.table().equals("rejected_records"))
                .extracting(Retention.Purged::count, Retention.Purged::batches)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 2));
        assertThat(fx.rows("SELECT record_number::text FROM rejected_records WHERE record_number > 100 ORDER BY 1"))
                .containsExactly("103", "104");
        assertThat(fx.count("SELECT rejects_purged FROM ingested_files WHERE file_id = " + fileId)).isEqualTo(2);
        assertThat(fx.rows(new String(getClass().getResourceAsStream("/verify/02-rejections-recorded.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8))).as("check 02 still balances after the purge").isEmpty();
    }

    @Test
    void aCutOffUnderADayOrABadBatchSizeIsRefused() {
        assertThatThrownBy(() -> new Retention.Request(Duration.ofHours(3), 100, false)).hasMessageContaining("at least 1d");
        assertThatThrownBy(() -> new Retention.Request(Duration.ofDays(90), 0, false)).hasMessageContaining("batch size");
    }
}
