package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.InboundMessage;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet projection list | status | run | rebuild}, and {@code inlet migrate} building what is declared. */
class ProjectionCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FEEDS = """
            version: 1
            messages:
              - name: order-messages
                channel: orders
                mapping:
                  event_type: { column: type }
                  stream_id: "{order}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: order_events
            projections:
              - name: orders_current
                events: order_events
                mode: inline
                columns: { status: text, amount: numeric }
                on:
                  OrderPlaced: { status: { value: placed }, amount: { field: amount } }
                  OrderShipped: { status: { value: shipped } }
              - name: orders_later
                events: order_events
                mode: async
                columns: { status: text }
                on:
                  OrderShipped: { status: { value: shipped } }
            """;

    @TempDir
    Path dir;

    @Test
    void migrateBuildsTheProjectionsAndTheCommandsShowRunAndRebuildThem() throws Exception {
        DataSource ds = TestDatabase.fresh("order_events");
        String url = TestDatabase.settingsFor(ds).url();
        Path feeds = dir.resolve("feeds.yaml");
        Files.writeString(feeds, FEEDS);
        String[] db = {"--feeds", feeds.toString(), "--database-url", url};

        CliRun migrate = CliRun.of(concat(new String[]{"migrate"}, db));
        assertThat(migrate.code()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("projection orders_current: built orders_current from 0 event(s)")
                .contains("projection orders_later: built");

        Inlet inlet = Inlet.builder().dataSource(ds).feeds(FeedRegistry.load(feeds)).workerId("cli-test")
                .leaseDuration(Duration.ofMinutes(1)).build();
        for (int i = 0; i < 6; i++) {
            String type = i % 2 == 0 ? "OrderPlaced" : "OrderShipped";
            inlet.ingestMessage(new InboundMessage("m" + i, "orders", "{\"id\":\"e" + i + "\",\"type\":\"" + type + "\",\"order\":\"o-"
                    + i / 2 + "\",\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"" + i + ".10\"}", Map.of()));
        }

        JsonNode list = JSON.readTree(CliRun.of(concat(new String[]{"projection", "list", "--json"}, db)).out());
        assertThat(list.findValuesAsText("name")).containsExactly("orders_current", "orders_later");
        assertThat(list.get(1).path("mode").asText()).isEqualTo("async");

        CliRun behind = CliRun.of(concat(new String[]{"projection", "status", "--json"}, db));
        assertThat(behind.code()).as(behind.err()).isZero();
        JsonNode status = JSON.readTree(behind.out());
        assertThat(status.get(0).path("events_behind").asLong()).isZero();
        assertThat(status.get(1).path("state").asText()).isEqualTo("CURRENT");
        assertThat(status.get(1).path("events_behind").asLong()).isEqualTo(3);

        CliRun run = CliRun.of(concat(new String[]{"projection", "run"}, db));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("orders_later: 3 event(s) applied, CAUGHT_UP");
        assertThat(JSON.readTree(CliRun.of(concat(new String[]{"projection", "status", "--json"}, db)).out()).get(1)
                .path("events_behind").asLong()).isZero();

        CliRun rebuild = CliRun.of(concat(new String[]{"projection", "rebuild", "orders_current", "--json"}, db));
        assertThat(rebuild.code()).as(rebuild.err()).isZero();
        JsonNode report = JSON.readTree(rebuild.out());
        assertThat(report.path("events").asLong()).isEqualTo(6);
        assertThat(report.path("rows").asLong()).isEqualTo(3);

        assertThat(CliRun.of(concat(new String[]{"projection", "rebuild", "nope"}, db)).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.of(concat(new String[]{"projection", "run", "orders_current"}, db)).code()).isEqualTo(ExitCodes.USAGE);

        // a changed definition is a finding until rebuilt
        Files.writeString(feeds, FEEDS.replace("columns: { status: text }", "columns: { status: text, note: text }"));
        CliRun changed = CliRun.of(concat(new String[]{"projection", "status"}, db));
        assertThat(changed.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(changed.out()).contains("orders_later").contains("DEFINITION_CHANGED");
        assertThat(CliRun.of(concat(new String[]{"projection", "rebuild", "orders_later"}, db)).code()).isZero();
        assertThat(CliRun.of(concat(new String[]{"projection", "status"}, db)).code()).isZero();
    }

    @Test
    void retireRefusesAProjectionTheFeedsDeclareRetiresAnUndeclaredOneKeepingItsTableAndChangesNothingTheSecondTime() throws Exception {
        DataSource ds = TestDatabase.fresh("order_events");
        String url = TestDatabase.settingsFor(ds).url();
        Path declared = dir.resolve("feeds.yaml");
        Files.writeString(declared, FEEDS);
        assertThat(CliRun.of("migrate", "--feeds", declared.toString(), "--database-url", url).code()).isZero();
        Inlet old = Inlet.builder().dataSource(ds).feeds(FeedRegistry.load(declared)).workerId("old").leaseDuration(Duration.ofMinutes(1)).build();
        old.ingestMessage(new InboundMessage("m1", "orders", "{\"id\":\"e1\",\"type\":\"OrderPlaced\",\"order\":\"o-1\","
                + "\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"1.10\"}", Map.of()));
        Path removed = dir.resolve("feeds-without.yaml");
        Files.writeString(removed, FEEDS.substring(0, FEEDS.indexOf("  - name: orders_current")) + FEEDS.substring(FEEDS.indexOf("  - name: orders_later")));

        CliRun refused = CliRun.of("projection", "retire", "orders_current", "--feeds", declared.toString(), "--database-url", url);
        assertThat(refused.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("'orders_current' is still declared");
        assertThat(CliRun.of("projection", "retire", "nope", "--feeds", removed.toString(), "--database-url", url).code())
                .isEqualTo(ExitCodes.USAGE);

        CliRun first = CliRun.of("projection", "retire", "orders_current", "--json", "--feeds", removed.toString(), "--database-url", url);
        assertThat(first.code()).as(first.err()).isZero();
        JsonNode report = JSON.readTree(first.out());
        assertThat(report.path("retired").asBoolean()).isTrue();
        assertThat(report.path("table").asText()).isEqualTo("orders_current");
        assertThat(report.path("table_kept").asBoolean()).isTrue();

        CliRun second = CliRun.of("projection", "retire", "orders_current", "--feeds", removed.toString(), "--database-url", url);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("projection orders_current: already retired").contains("table orders_current kept, no longer maintained");
        CliRun migrate = CliRun.of("migrate", "--feeds", removed.toString(), "--database-url", url);
        assertThat(migrate.code()).as(migrate.err()).isZero();
        assertThat(migrate.out()).doesNotContain("orders_current");

        Inlet deployed = Inlet.builder().dataSource(ds).feeds(FeedRegistry.load(removed)).workerId("new").leaseDuration(Duration.ofMinutes(1)).build();
        assertThat(deployed.ingestMessage(new InboundMessage("m2", "orders", "{\"id\":\"e2\",\"type\":\"OrderShipped\",\"order\":\"o-1\","
                + "\"at\":\"2026-12-06T11:00:00Z\"}", Map.of())).status()).isEqualTo(io.inlet.ingest.MessageOutcome.Status.APPENDED);
        try (var c = ds.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT status || '|' || stream_version FROM orders_current WHERE stream_id = 'o-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("placed|1");
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
