package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo} and {@code demo gcp} through the demo jar's command line (the operations commands plus demo). */
class DemoCommandTest {

    @TempDir
    Path tmp;
    String url;

    @BeforeEach
    void database() {
        url = TestDatabase.settingsFor(TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()))).url();
    }

    record Run(int code, String out) {
    }

    Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code = InletDemo.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void demoRunsTheWholeJobAndEveryInvariantHolds() {
        Run r = run("demo", "--database-url", url, "--workdir", tmp.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ingested 13 vendor files", "acme/orders-malformed.csv", "ALREADY_COMPLETED",
                "APPENDED (1 appended), then ALREADY_PROCESSED", "all invariants hold");
        assertThat(r.out()).containsPattern("relay: \\d+ derived events published");
        assertThat(r.out()).contains("totals/2026-11-21.csv -> REJECTED (0 appended, 0 rejected): control totals do not match:"
                + " count (trailer): expected 3, actual 2; sum(amount) (trailer): expected 30.50, actual 25.25",
                "totals/2026-11-20.csv -> COMPLETED (2 appended, 1 rejected)", "receipts/totals/2026-11-21.csv.receipt.json",
                "| rejected,,,,,,,3,4,INVALID,at,", "<value withheld>");
        // the gated file set: both parts held and invisible until the marker loads them together
        assertThat(r.out()).contains("drops/2026-12-06/part-1.csv -> HELD", "drops/2026-12-06/part-2.csv -> HELD")
                .containsPattern("part-2\\.csv -> HELD .*; visible events: 0")
                .containsPattern("_SUCCESS -> COMPLETED \\(file set \\d+ \\(vendor-drop/drops/2026-12-06/\\) loaded: 2 member\\(s\\), 4 event\\(s\\)\\); visible events: 4");
        assertThat(r.out()).containsPattern("projection demo_orders \\(one row per order\\): built from [1-9]\\d* events into [1-9]\\d* rows, "
                + "then its projector: CAUGHT_UP");
        assertThat(r.out()).containsPattern("subscription demo-replay \\(from the beginning\\): [1-9]\\d* stored events backfilled .* now LIVE, 0 behind");
    }

    @Test
    void demoGcpRunsTheFunctionsThroughPubSubAndRedeliveriesAppendNothing() {
        Run r = run("demo", "gcp", "--database-url", url, "--workdir", tmp.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("1. feeds: ", "3. Pub/Sub: ", "with subscriptions (message ordering on)",
                "4. GCS: google-cloud-nio's in-memory Storage; uploaded 13 vendor files to gs://vendor-drop",
                "5. GcsObjectFunction: 13 google.cloud.storage.object.v1.finalized CloudEvents, 13 acknowledged",
                "acme/orders-quoted.csv", "COMPLETED", "failed, 0 pending; outbox lag 0.0 s",
                "orderingKey=order-", "eventType=OrderPlaced");
        assertThat(r.out()).containsPattern("6\\. OutboxRelayFunction: (\\d+) published, 0 failed");
        // Every published message, delivered twice, is one downstream event.
        java.util.regex.Matcher published = java.util.regex.Pattern.compile("OutboxRelayFunction: (\\d+) published").matcher(r.out());
        assertThat(published.find()).isTrue();
        String n = published.group(1);
        assertThat(Long.parseLong(n)).isPositive();
        assertThat(r.out()).contains("8. PubSubEventFunction: " + n + " messagePublished CloudEvents -> " + n + " events in downstream_events",
                "9. the same " + n + " messages delivered again: downstream_events still has " + n + " (nothing appended twice)");
        assertThat(r.out()).containsPattern("10\\. objects/acme/\\S+ finalized again \\(a redelivery\\): (\\d+) vendor events before and after \\(\\1\\)");
    }

    @Test
    void theDemoJarAlsoRunsTheOperationsCommands() {
        assertThat(run("demo", "--database-url", url, "--workdir", tmp.toString()).code()).isZero();
        Run status = run("status", "--database-url", url);
        assertThat(status.code()).as(status.out()).isZero();
        assertThat(status.out()).contains("acme/orders-malformed.csv");
    }
}
