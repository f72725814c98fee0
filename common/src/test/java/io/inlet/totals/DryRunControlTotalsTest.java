package io.inlet.totals;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.DryRun;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dry run treats header and trailer control records as the ingestion does: not records, their totals checked and reported. */
class DryRunControlTotalsTest {

    static final String FEEDS = "version: 1\nfeeds:\n" + """
              - name: trailed
                bucket: drop
                key_pattern: "trailed/**"
                format: { type: csv }
                control_totals:
                  trailer: { pattern: '^TRL,(?<n>\\d+),(?<amt>-?[0-9.]+)$', count: n, sums: { amount: amt } }
            """ + ControlTotalsTest.MAPPING + """
              - name: headed
                bucket: drop
                key_pattern: "headed/**"
                format: { type: csv }
                control_totals:
                  header: { pattern: '^HDR,(?<n>\\d+),.*$', count: n }
            """ + ControlTotalsTest.MAPPING + """
              - name: ctl
                bucket: drop
                key_pattern: "ctl/*.csv"
                format: { type: csv }
                control_totals:
                  sidecar: { suffix: .ctl, pattern: 'records=(?<n>\\d+)', count: n, wait: PT1H }
            """ + ControlTotalsTest.MAPPING;

    @TempDir
    static Path dir;
    static DataSource ds;
    static FeedRegistry feeds;
    static Inlet inlet;
    static LocalFileSource source;

    @BeforeAll
    static void setUp() {
        feeds = FeedRegistry.parse(FEEDS, "dry-run-totals-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
    }

    @Test
    void aDryRunSkipsTheTrailerReportsItsMatchingTotalsAndAgreesWithTheIngestion() throws Exception {
        ObjectRef ref = write("trailed/ok.csv", ControlTotalsTest.records("T", 3) + "TRL,3,3.75\n");

        DryRun.Report dry = dryRun(ref);

        assertThat(dry.records()).isEqualTo(3);
        assertThat(dry.rejects()).isEmpty();
        assertThat(dry.wouldAppend()).isEqualTo(3);
        assertThat(dry.fileWouldBeRejected()).isFalse();
        assertThat(dry.totalsProblem()).isNull();
        assertThat(dry.totals()).extracting(TotalsCheck::describe)
                .containsExactly("count (trailer): expected 3, actual 3", "sum(amount) (trailer): expected 3.75, actual 3.75");
        FileReport real = inlet.ingestFile(ref, source, Deadline.none());
        assertThat(real.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(real.counts().read()).isEqualTo(dry.records());
        assertThat(real.counts().appended()).isEqualTo(dry.wouldAppend());
    }

    @Test
    void aDryRunSkipsTheHeaderAndSaysAMismatchedFileWouldBeRejectedWithBothValues() throws Exception {
        String body = ControlTotalsTest.records("H", 2);
        ObjectRef ref = write("headed/short.csv", body.replace(ControlTotalsTest.HEAD, ControlTotalsTest.HEAD + "HDR,3,x\n"));

        DryRun.Report dry = dryRun(ref);

        assertThat(dry.records()).isEqualTo(2);
        assertThat(dry.rejects()).isEmpty();
        assertThat(dry.fileWouldBeRejected()).isTrue();
        assertThat(dry.wouldAppend()).isZero();
        assertThat(dry.totalsProblem()).isEqualTo("control totals do not match: count (header): expected 3, actual 2");
        FileReport real = inlet.ingestFile(ref, source, Deadline.none());
        assertThat(real.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(real.firstError()).isEqualTo(dry.totalsProblem());
    }

    @Test
    void aDryRunOfAFileWithoutItsTrailerSaysItWouldBeRejected() throws Exception {
        DryRun.Report dry = dryRun(write("trailed/truncated.csv", ControlTotalsTest.records("X", 2)));

        assertThat(dry.fileWouldBeRejected()).isTrue();
        assertThat(dry.unreadable()).contains("trailer");
        assertThat(dry.wouldAppend()).isZero();
    }

    @Test
    void aDryRunOfAFileWhoseSidecarIsMissingSaysItWouldWaitAndLoadNothing() throws Exception {
        ObjectRef ref = write("ctl/waiting.csv", ControlTotalsTest.records("W", 2));

        DryRun.Report dry = dryRun(ref);
        assertThat(dry.totalsProblem()).contains("sidecar ctl/waiting.csv.ctl").contains("would wait");
        assertThat(dry.wouldAppend()).isZero();

        write("ctl/waiting.csv.ctl", "records=2\n");
        DryRun.Report after = dryRun(ref);
        assertThat(after.totalsProblem()).isNull();
        assertThat(after.totals()).extracting(TotalsCheck::describe).containsExactly("count (sidecar): expected 2, actual 2");
        assertThat(after.wouldAppend()).isEqualTo(2);
    }

    static DryRun.Report dryRun(ObjectRef ref) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try {
                return new DryRun(feeds).run(c, ref, source, 10);
            } finally {
                c.rollback();
            }
        }
    }

    static ObjectRef write(String key, String content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return source.refFor("drop", file);
    }
}
