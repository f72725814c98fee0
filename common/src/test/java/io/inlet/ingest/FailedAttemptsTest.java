package io.inlet.ingest;

import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.RetryableException;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attempt that fails with an error known to be neither transient nor permanent (a missing grant,
 * a trigger raising, a defect outside the mapper) releases its file with the reason and a count;
 * progress sets the count back; after {@code max_failed_attempts} such failures in a row the next
 * one records the file REJECTED with its reason: never an endless retry. Transient failures
 * (database unavailable, the object store failing) are not counted.
 */
class FailedAttemptsTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: lines
                bucket: drop
                key_pattern: "lines/**"
                format: { type: jsonl }
                mapping:
                  event_type: { column: type }
                  stream_id: "{stream}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: events
                shared_streams: true
                batch_size: 10
                derived: [ { events: summary, destination: ops } ]
            """;

    static final int MAX = 3;

    @TempDir
    static Path dir;
    static LocalFileSource source;
    static DataSource ds;
    static Inlet inlet;

    @BeforeAll
    static void setUp() throws Exception {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "failed-attempts-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("fails").leaseDuration(Duration.ofMinutes(5))
                .maxFailedAttempts(MAX).build();
        // the database raises, as a missing grant or a user's trigger would, for the events of the
        // streams listed in inlet.test_refusals, with the SQLState given there
        sql("CREATE TABLE inlet.test_refusals (stream_id text PRIMARY KEY, sqlstate text NOT NULL)");
        sql("""
                CREATE FUNCTION inlet.test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE code text;
                BEGIN
                    SELECT sqlstate INTO code FROM inlet.test_refusals WHERE stream_id = NEW.stream_id;
                    IF code IS NOT NULL THEN
                        RAISE EXCEPTION 'refused \u001b[2J by the test trigger for %', NEW.stream_id USING ERRCODE = code;
                    END IF;
                    RETURN NEW;
                END $$""");
        sql("CREATE TRIGGER test_refuse BEFORE INSERT ON inlet.events FOR EACH ROW EXECUTE FUNCTION inlet.test_refuse()");
    }

    @AfterEach
    void noRefusals() throws Exception {
        sql("DELETE FROM inlet.test_refusals");
    }

    @Test
    void anUnclassifiedFailureReleasesTheFileWithItsReasonAndCountAndProgressResetsTheCount() throws Exception {
        ObjectRef ref = write("lines/a.jsonl", "a", 25);
        sql("INSERT INTO inlet.test_refusals VALUES ('a-1', '42501'), ('a-15', '42501')");

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThatThrownBy(() -> inlet.ingestFile(ref, source, Deadline.none()))
                    .isNotInstanceOf(RetryableException.class).hasMessageContaining("42501");
            assertThat(ledger(ref)).isEqualTo("IN_PROGRESS|0|" + attempt);
            assertThat(rows("SELECT last_failure FROM inlet.ingested_files WHERE object_key = 'lines/a.jsonl'"))
                    .singleElement().asString().contains("42501", "refused \u001b[2J by the test trigger for a-1");
        }

        // the first batch may commit now: that progress sets the count back before the next failure
        sql("DELETE FROM inlet.test_refusals WHERE stream_id = 'a-1'");
        assertThatThrownBy(() -> inlet.ingestFile(ref, source, Deadline.none())).hasMessageContaining("a-15");
        assertThat(ledger(ref)).isEqualTo("IN_PROGRESS|10|1");

        sql("DELETE FROM inlet.test_refusals");
        FileReport done = inlet.ingestFile(ref, source, Deadline.none());

        assertThat(done.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(done.counts().appended()).isEqualTo(25);
        assertThat(ledger(ref)).isEqualTo("COMPLETED|25|0");
    }

    @Test
    void theSameFailureEveryTimeRejectsTheFileAfterMaxPlusOneAttemptsAndNoMoreAttemptsFollow() throws Exception {
        ObjectRef ref = write("lines/b.jsonl", "b", 25);
        sql("INSERT INTO inlet.test_refusals VALUES ('b-1', 'P0001')");

        for (int attempt = 1; attempt <= MAX; attempt++) {
            assertThatThrownBy(() -> inlet.ingestFile(ref, source, Deadline.none())).hasMessageContaining("P0001");
            assertThat(ledger(ref)).isEqualTo("IN_PROGRESS|0|" + attempt);
        }
        FileReport gaveUp = inlet.ingestFile(ref, source, Deadline.none());

        assertThat(gaveUp.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(gaveUp.firstError()).startsWith("gave up after " + (MAX + 1) + " failed attempts without progress: ")
                .contains("P0001", "refused \u001b[2J by the test trigger for b-1");
        assertThat(ledger(ref)).isEqualTo("REJECTED|0|" + (MAX + 1));
        assertThat(rows("SELECT first_error FROM inlet.ingested_files WHERE object_key = 'lines/b.jsonl'"))
                .containsExactly(gaveUp.firstError());
        assertThat(rows("SELECT attempts FROM inlet.ingested_files WHERE object_key = 'lines/b.jsonl'"))
                .containsExactly(String.valueOf(MAX + 1));
        assertThat(rows("SELECT event_type || '|' || (payload->>'firstError') FROM inlet.outbox WHERE destination = 'ops'"
                + " AND payload->>'fileId' = '" + gaveUp.fileId() + "'"))
                .containsExactly("FileRejected|" + gaveUp.firstError());

        // a redelivery finds the file finished, even once the cause is gone: no more attempts
        sql("DELETE FROM inlet.test_refusals");
        FileReport again = inlet.ingestFile(ref, source, Deadline.none());
        assertThat(again.outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(again.firstError()).isEqualTo(gaveUp.firstError());
        assertThat(rows("SELECT attempts FROM inlet.ingested_files WHERE object_key = 'lines/b.jsonl'"))
                .containsExactly(String.valueOf(MAX + 1));
    }

    @Test
    void transientFailuresAreNeverCountedHoweverOftenTheyRecur() throws Exception {
        ObjectRef ref = write("lines/c.jsonl", "c", 25);
        ObjectSource storeDown = (r, from) -> {
            throw new IOException("connection reset by the object store");
        };
        for (int attempt = 1; attempt <= MAX + 2; attempt++) {
            assertThatThrownBy(() -> inlet.ingestFile(ref, storeDown, Deadline.none()))
                    .isInstanceOf(RetryableException.class).hasMessageContaining("connection reset");
        }
        assertThat(ledger(ref)).isEqualTo("IN_PROGRESS|0|0");

        // the database short of resources (class 53): transient by classification
        sql("INSERT INTO inlet.test_refusals VALUES ('c-1', '53000')");
        for (int attempt = 1; attempt <= MAX + 2; attempt++) {
            assertThatThrownBy(() -> inlet.ingestFile(ref, source, Deadline.none()))
                    .isInstanceOf(RetryableException.class).hasMessageContaining("53000");
        }
        assertThat(ledger(ref)).isEqualTo("IN_PROGRESS|0|0");

        sql("DELETE FROM inlet.test_refusals");
        FileReport done = inlet.ingestFile(ref, source, Deadline.none());
        assertThat(done.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(done.counts().appended()).isEqualTo(25);
    }

    @Test
    void aMaxFailedAttemptsBelowOneIsRefusedAtBuild() {
        assertThatThrownBy(() -> Inlet.builder().dataSource(ds).feeds(FeedRegistry.parse(FEEDS, "f.yaml"))
                .maxFailedAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max failed attempts");
    }

    /** status|records read|failed attempts of the file. */
    static String ledger(ObjectRef ref) throws Exception {
        List<String> r = rows("SELECT status || '|' || records_read || '|' || failed_attempts FROM inlet.ingested_files"
                + " WHERE object_key = '" + ref.key() + "'");
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    /** {@code n} records, each in its own stream {@code prefix-i}. */
    static ObjectRef write(String key, String prefix, int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("{\"id\":\"").append(prefix).append('-').append(i).append("\",\"type\":\"T\",\"stream\":\"")
                    .append(prefix).append('-').append(i).append("\",\"at\":\"2026-11-20T10:00:00Z\"}\n");
        }
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return source.refFor("drop", file);
    }

    static void sql(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
