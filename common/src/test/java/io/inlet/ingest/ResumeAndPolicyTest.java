package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.PermanentException;
import io.inlet.failure.RetryableException;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.testing.TestDatabase;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeAndPolicyTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: order_events
                shared_streams: true
                batch_size: 10
                derived:
                  - { events: appended, destination: orders }
                  - { events: summary, destination: ops }
              - name: strict
                bucket: drop
                key_pattern: "strict/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: order_events
                shared_streams: true
                errors: { policy: skip_file }
                derived: [ { events: summary, destination: ops } ]
              - name: tolerant
                bucket: drop
                key_pattern: "tolerant/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: order_events
                shared_streams: true
                errors: { policy: abort_above, max_percent: 20 }
              - name: once
                bucket: drop
                key_pattern: "once/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: position }
                table: order_events
                shared_streams: true
                duplicate_content: skip
            messages:
              - name: billing
                channel: billing
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: billing_events
            """;

    @TempDir
    Path dir;
    FeedRegistry feeds;
    LocalFileSource source;

    @BeforeEach
    void setUp() {
        feeds = FeedRegistry.parse(FEEDS, "test-feeds.yaml");
        source = new LocalFileSource(dir);
    }

    Inlet inlet(DataSource ds, String worker) {
        return Inlet.builder().dataSource(ds).feeds(feeds).workerId(worker).leaseDuration(Duration.ofMinutes(5)).build();
    }

    DataSource db() {
        return TestDatabase.fresh(List.copyOf(feeds.eventTables()));
    }

    ObjectRef write(String key, int rows, int... badRows) throws IOException {
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= rows; i++) {
            final int row = i;
            boolean bad = java.util.Arrays.stream(badRows).anyMatch(b -> b == row);
            // quoted multi-line notes on some rows make record and line numbers diverge
            sb.append("O-").append(i).append(",c").append(i % 7).append(',')
                    .append(bad ? "lots" : i + ".50").append(",2026-11-20T10:").append(String.format("%02d", i % 60)).append(":00Z\n");
        }
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());
        return source.refFor("drop", file);
    }

    @Test
    void aFailureAfterBatchKThenARerunEndsWithExactlyTheEventsOfACleanRun() throws Exception {
        ObjectRef ref = write("orders/big.csv", 3000);
        DataSource clean = db();
        inlet(clean, "clean").ingestFile(ref, source, Deadline.none());

        DataSource ds = db();
        ObjectSource failing = (r, from) -> new FailAfter(source.open(r, from), 90_000);
        assertThatThrownBy(() -> inlet(ds, "first").ingestFile(ref, failing, Deadline.none()))
                .isInstanceOf(RetryableException.class).hasMessageContaining("connection reset");
        long committed = Long.parseLong(rows(ds, "SELECT count(*) FROM order_events").get(0));
        assertThat(committed).isPositive().isLessThan(3000).matches(n -> n % 10 == 0, "whole batches only");

        FileReport rerun = inlet(ds, "second").ingestFile(ref, source, Deadline.none());
        assertThat(rerun.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(rerun.counts()).isEqualTo(new Counts(3000, 3000, 0, 0, 0));
        String events = "SELECT event_id || ' ' || stream_id || ' ' || stream_version || ' ' || payload::text FROM order_events ORDER BY event_id";
        assertThat(rows(ds, events)).isEqualTo(rows(clean, events));
        String outbox = "SELECT destination || ' ' || event_id || ' ' || event_type FROM outbox ORDER BY 1";
        assertThat(rows(ds, outbox)).hasSize(3001).isEqualTo(rows(clean, outbox));
    }

    @Test
    void aDeadlineSplitsTheFileIntoSlicesThatTogetherEqualOnePass() throws Exception {
        ObjectRef ref = write("orders/sliced.csv", 130);
        DataSource clean = db();
        inlet(clean, "clean").ingestFile(ref, source, Deadline.none());

        DataSource ds = db();
        int invocations = 0;
        FileReport r;
        do {
            invocations++;
            TickingClock clock = new TickingClock();
            r = inlet(ds, "lambda-" + invocations).ingestFile(ref, source, new Deadline(clock.start.plusSeconds(25), clock));
            if (r.outcome() == FileOutcome.SUSPENDED) assertThat(r.continueFrom()).isNotNull();
        } while (r.outcome() == FileOutcome.SUSPENDED && invocations < 50);
        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(invocations).isGreaterThanOrEqualTo(5);
        assertThat(r.counts()).isEqualTo(new Counts(130, 130, 0, 0, 0));
        String events = "SELECT event_id || ' ' || stream_id || ' ' || stream_version FROM order_events ORDER BY event_id";
        assertThat(rows(ds, events)).isEqualTo(rows(clean, events));
        assertThat(rows(ds, "SELECT count(*) FROM ingest_slices")).containsExactly(String.valueOf(invocations));
        assertThat(rows(ds, "SELECT string_agg(to_record - from_record + 1 || '', ',' ORDER BY slice_no) FROM ingest_slices").get(0))
                .matches("(\\d+,)+\\d+");
        assertThat(rows(ds, "SELECT sum(to_record - from_record + 1) FROM ingest_slices")).containsExactly("130");
    }

    @Test
    void aFileAttemptUsesOneDatabaseConnectionForItsClaimBatchesAndFinish() throws Exception {
        ObjectRef ref = write("orders/one-connection.csv", 130);
        DataSource ds = db();
        Inlet inlet = inlet(ds, "w");
        ConnectionCounting counting = new ConnectionCounting(ds);
        Inlet counted = Inlet.builder().dataSource(counting).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
        int atStart = counting.opened.get();
        FileReport r = counted.ingestFile(ref, source, Deadline.none());
        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(130, 130, 0, 0, 0));
        // 13 batches of 10, the claim and the finish: one connection
        assertThat(counting.opened.get() - atStart).isEqualTo(1);
        assertThat(inlet.ingestFile(ref, source, Deadline.none()).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
    }

    /** Counts the connections the real data source hands out. */
    static final class ConnectionCounting implements DataSource {
        final DataSource real;
        final java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();

        ConnectionCounting(DataSource real) {
            this.real = real;
        }

        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            opened.incrementAndGet();
            return real.getConnection();
        }

        @Override
        public java.sql.Connection getConnection(String user, String password) throws java.sql.SQLException {
            opened.incrementAndGet();
            return real.getConnection(user, password);
        }

        @Override
        public java.io.PrintWriter getLogWriter() throws java.sql.SQLException {
            return real.getLogWriter();
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) throws java.sql.SQLException {
            real.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws java.sql.SQLException {
            real.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws java.sql.SQLException {
            return real.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
            return real.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws java.sql.SQLException {
            return real.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws java.sql.SQLException {
            return real.isWrapperFor(iface);
        }
    }

    @Test
    void skipFileLoadsNothingWhenAnyRecordIsBad() throws Exception {
        DataSource ds = db();
        FileReport r = inlet(ds, "w").ingestFile(write("strict/a.csv", 12, 7), source, Deadline.none());
        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.counts()).isEqualTo(new Counts(12, 0, 0, 0, 1));
        assertThat(r.firstError()).contains("1 of 12 records bad").contains("line 8").contains("amount");
        assertThat(rows(ds, "SELECT count(*) FROM order_events")).containsExactly("0");
        assertThat(rows(ds, "SELECT line_number || ' ' || field FROM rejected_records")).containsExactly("8 amount");
        assertThat(rows(ds, "SELECT event_type || ' ' || (payload->>'status') FROM outbox")).containsExactly("FileRejected REJECTED");
    }

    @Test
    void abortAboveLoadsBelowTheThresholdAndRejectsAboveIt() throws Exception {
        DataSource ds = db();
        FileReport ok = inlet(ds, "w").ingestFile(write("tolerant/ok.csv", 10, 4), source, Deadline.none());
        FileReport bad = inlet(ds, "w").ingestFile(write("tolerant/bad.csv", 10, 2, 3, 4), source, Deadline.none());
        assertThat(ok.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(ok.counts()).isEqualTo(new Counts(10, 9, 0, 0, 1));
        assertThat(bad.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(bad.counts()).isEqualTo(new Counts(10, 0, 0, 0, 3));
    }

    @Test
    void theSameBytesUnderANewKeyAreSkippedWhenTheFeedSaysSo() throws Exception {
        DataSource ds = db();
        ObjectRef first = write("once/a.csv", 5);
        Files.copy(dir.resolve("once/a.csv"), dir.resolve("once/b.csv"));
        FileReport a = inlet(ds, "w").ingestFile(first, source, Deadline.none());
        FileReport b = inlet(ds, "w").ingestFile(source.refFor("drop", dir.resolve("once/b.csv")), source, Deadline.none());
        assertThat(a.counts().appended()).isEqualTo(5);
        assertThat(b.outcome()).isEqualTo(FileOutcome.DUPLICATE_CONTENT_SKIPPED);
        assertThat(rows(ds, "SELECT count(*) FROM order_events")).containsExactly("5");
        assertThat(rows(ds, "SELECT duplicate_of FROM ingested_files WHERE object_key = 'once/b.csv'"))
                .containsExactly(String.valueOf(a.fileId()));
    }

    @Test
    void aRedeliveredMessageAppendsNothingAndIsReportedProcessed() throws Exception {
        DataSource ds = db();
        Inlet inlet = inlet(ds, "w");
        InboundMessage m = new InboundMessage("msg-1", "billing",
                "[{\"id\":\"inv-1\",\"type\":\"InvoiceIssued\",\"account_id\":\"42\",\"at\":\"2026-11-20T10:00:00Z\",\"total\":12.5},"
                        + "{\"id\":\"inv-2\",\"type\":\"InvoiceIssued\",\"account_id\":\"42\",\"at\":\"2026-11-20T10:01:00Z\"}]", Map.of());
        MessageOutcome first = inlet.ingestMessage(m);
        MessageOutcome again = inlet.ingestMessage(m);
        InboundMessage sameEventsOtherMessage = new InboundMessage("msg-2", "billing", m.body(), Map.of());
        MessageOutcome other = inlet.ingestMessage(sameEventsOtherMessage);
        assertThat(first.status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(first.counts().appended()).isEqualTo(2);
        assertThat(again.status()).isEqualTo(MessageOutcome.Status.ALREADY_PROCESSED);
        assertThat(other.counts()).isEqualTo(new Counts(2, 0, 2, 0, 0));
        assertThat(rows(ds, "SELECT stream_id || ':' || stream_version FROM billing_events ORDER BY position"))
                .containsExactly("account-42:1", "account-42:2");
        assertThat(rows(ds, "SELECT message_id || ' ' || status || ' ' || appended FROM processed_messages ORDER BY 1"))
                .containsExactly("msg-1 PROCESSED 2", "msg-2 PROCESSED 0");
    }

    @Test
    void aMalformedMessageIsPermanentAndItsFailureIsRecorded() throws Exception {
        DataSource ds = db();
        Inlet inlet = inlet(ds, "w");
        InboundMessage m = new InboundMessage("msg-bad", "billing", "{not json", Map.of());
        assertThatThrownBy(() -> inlet.ingestMessage(m)).isInstanceOf(PermanentException.class);
        inlet.recordFailedMessage(m, "malformed JSON");
        inlet.recordFailedMessage(m, "malformed JSON");
        assertThat(rows(ds, "SELECT status || ' ' || attempts || ' ' || reason FROM processed_messages"))
                .containsExactly("FAILED 2 malformed JSON");
        assertThatThrownBy(() -> inlet.ingestMessage(new InboundMessage("m", "nobody-listens", "{}", Map.of())))
                .isInstanceOf(NoFeedException.class).hasMessageContaining("nobody-listens");
        String huge = "{\"id\":\"x\",\"pad\":\"" + "a".repeat(MessageIngester.MAX_MESSAGE_BYTES) + "\"}";
        assertThatThrownBy(() -> inlet.ingestMessage(new InboundMessage("msg-huge", "billing", huge, Map.of())))
                .isInstanceOf(PermanentException.class).hasMessageContaining("msg-huge").hasMessageContaining("cap");
    }

    /** Each reading advances one second: a deadline 25 s ahead passes after ~25 readings (from any thread). */
    static final class TickingClock extends Clock {
        final Instant start = Instant.parse("2026-11-20T00:00:00Z");
        final java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return start.plusSeconds(ticks.getAndIncrement());
        }
    }

    /** A stream whose connection breaks after {@code limit} bytes, as a network read can. */
    static final class FailAfter extends FilterInputStream {
        long left;

        FailAfter(InputStream in, long limit) {
            super(in);
            left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left-- <= 0) throw new IOException("connection reset");
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) throw new IOException("connection reset");
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }

    static List<String> rows(DataSource ds, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
