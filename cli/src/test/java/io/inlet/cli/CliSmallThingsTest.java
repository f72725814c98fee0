package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 13's "small things": each one as the user met it. */
class CliSmallThingsTest {

    DataSource ds;
    String url;
    String feeds;

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()));
        url = TestDatabase.settingsFor(ds).url();
        feeds = Samples.root().resolve("feeds.yaml").toString();
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheSubcommand() {
        CliRun after = CliRun.of("status", "--database-url", url);
        CliRun before = CliRun.of("--database-url", url, "status");
        CliRun nested = CliRun.of("--database-url", url, "outbox", "status");
        assertThat(after.code()).as(after.toString()).isZero();
        assertThat(before.code()).as(before.toString()).isZero();
        assertThat(nested.code()).as(nested.toString()).isZero();
        assertThat(before.out()).isEqualTo(after.out());
    }

    @Test
    void aNegativeLimitIsAUsageErrorNotAnSqlFailure() {
        CliRun r = CliRun.of("status", "-n", "-1", "--database-url", url);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--limit must be 0 or more (was -1)").doesNotContain("SQL");
    }

    @Test
    void aMissingSchemaIsAConfigurationError() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA inlet CASCADE");
        }
        CliRun status = CliRun.of("status", "--database-url", url);
        assertThat(status.code()).as(status.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(status.err()).contains("run `inlet migrate`");
        CliRun ingest = CliRun.of("ingest", "acme/orders-quoted.csv", "--root", Samples.files().toString(), "--feeds", feeds,
                "--database-url", url);
        assertThat(ingest.code()).as(ingest.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(ingest.err()).contains("the Inlet schema is missing: run `inlet migrate` first");
    }

    @Test
    void aMissingEventTableIsAConfigurationError() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM inlet.event_tables WHERE table_name = 'order_events'");
        }
        CliRun ingest = CliRun.of("ingest", "acme/orders-quoted.csv", "--root", Samples.files().toString(), "--feeds", feeds,
                "--database-url", url);
        assertThat(ingest.code()).as(ingest.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(ingest.err()).contains("do not exist: run `inlet migrate`");
    }

    @Test
    void metricsShowTheOutboxBacklogAsStored() throws Exception {
        assertThat(CliRun.of("ingest", "acme/orders-quoted.csv", "--root", Samples.files().toString(), "--feeds", feeds,
                "--database-url", url).code()).isZero();
        long pending;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM inlet.outbox WHERE published_at IS NULL AND released_at IS NULL")) {
            rs.next();
            pending = rs.getLong(1);
        }
        assertThat(pending).isPositive();
        CliRun r = CliRun.of("status", "--metrics", "--database-url", url);
        assertThat(r.err()).contains("metric inlet.outbox.pending value=" + (double) pending);
        // a command that builds an Inlet on the same registry: same backlog, and no Micrometer warning
        CliRun relay = CliRun.of("--metrics", "relay", "--once", "-o", Files.createTempFile("relay", ".jsonl").toString(),
                "--feeds", feeds, "--database-url", url);
        assertThat(relay.err()).contains("metric inlet.outbox.pending value=0.0").doesNotContain("already registered");
    }

    @Test
    void theTopLevelHelpSummarisesEveryCommandInWholeSentences() {
        CliRun r = CliRun.of("--help");
        List<String> summaries = new ArrayList<>();
        boolean inCommands = false;
        for (String line : r.out().lines().toList()) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.isBlank()) {
                break;
            } else if (inCommands && line.startsWith("  ") && !line.startsWith("   ")) {
                summaries.add(line.trim().replaceFirst("^\\S+\\s+", ""));
            } else if (inCommands) {
                summaries.set(summaries.size() - 1, summaries.get(summaries.size() - 1) + " " + line.trim());
            }
        }
        assertThat(summaries).hasSizeGreaterThan(8).allSatisfy(s -> assertThat(s).endsWith("."));
    }

    @Test
    void statusColumnsStayAlignedWithLongFeedNamesAndKeys() {
        String[] longRow = {"12345", "a-feed-with-a-very-long-name-indeed", "vendor-drop/" + "deep/".repeat(20) + "file.csv",
                "COMPLETED", "1000000", "999999", "1", "0", "0", "line 2: bad"};
        String[] shortRow = {"7", "f", "b/k", "REJECTED", "0", "0", "0", "0", "0", ""};
        List<String> lines = StatusCommand.table(List.of(longRow, shortRow)).lines().toList();
        int status = lines.get(0).indexOf("STATUS");
        int firstError = lines.get(0).indexOf("FIRST ERROR");
        assertThat(lines.get(1).indexOf("COMPLETED")).isEqualTo(status);
        assertThat(lines.get(2).indexOf("REJECTED")).isEqualTo(status);
        assertThat(lines.get(1).indexOf("line 2: bad")).isEqualTo(firstError);
        // right-aligned numbers end where their header ends
        int appendedEnd = lines.get(0).indexOf("APPENDED") + "APPENDED".length();
        assertThat(lines.get(1).substring(0, appendedEnd)).endsWith(" 999999");
        assertThat(lines.get(2).substring(0, appendedEnd)).endsWith(" 0");
    }
}
