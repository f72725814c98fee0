package io.inlet.cli;

import static io.inlet.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.failure.Deadline;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxRelay;
import io.inlet.outbox.PublishResult;
import io.inlet.outbox.RelaySettings;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runbook "poison outbox row" as commands: see it, retry it or release it, each audited. */
class OutboxCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    DataSource ds;
    String url;
    Transactions tx;
    final List<String> published = new ArrayList<>();
    boolean poisonFails = true;

    /** Stream order-0's first event fails until the destination is fixed; the relay blocks it after 2 attempts. */
    final EventPublisher broker = batch -> {
        Map<Long, String> ok = new HashMap<>(), bad = new HashMap<>();
        boolean held = false;
        for (var m : batch) {
            if (m.streamId().equals("order-0") && (held || poisonFails && m.eventType().equals("OrderPlaced"))) {
                held = true;
                bad.put(m.outboxId(), "AccessDenied: \u001b[31mqueue policy\u001b[0m");
            } else {
                published.add(m.streamId() + "/" + m.eventType());
                ok.put(m.outboxId(), "m" + m.outboxId());
            }
        }
        return new PublishResult(ok, bad);
    };

    @BeforeEach
    void aBlockedRow() {
        ds = TestDatabase.fresh("order_events");
        url = TestDatabase.settingsFor(ds).url();
        tx = new Transactions(ds);
        List<EventEnvelope> events = List.of(
                event("o0-placed", "order-0", "OrderPlaced", "{}"), event("o1-placed", "order-1", "OrderPlaced", "{}"),
                event("o0-paid", "order-0", "OrderPaid", "{}"), event("o0-shipped", "order-0", "OrderShipped", "{}"));
        tx.inTransaction(c -> new EventStore().append(c, "order_events", events,
                List.of(new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null))));
        RelaySettings twoAttempts = new RelaySettings(10, Duration.ZERO, Duration.ZERO, Duration.ofDays(1), 2);
        for (int i = 0; i < 3; i++) new OutboxRelay(tx, twoAttempts).run(broker, Deadline.none());
    }

    record Run(int code, String out) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code = InletCli.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void statusAndBlockedShowTheBlockedRowAndExitOne() throws Exception {
        Run status = run("outbox", "status", "--database-url", url);
        assertThat(status.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(status.out()).contains("DESTINATION", "orders", "1 blocked row(s) hold their streams");

        JsonNode doc = run("outbox", "status", "--json", "--database-url", url).json();
        assertThat(doc.path("blocked").asLong()).isEqualTo(1);
        assertThat(doc.path("destinations").get(0).path("pending").asLong()).isEqualTo(3);
        assertThat(doc.path("destinations").get(0).path("published").asLong()).isEqualTo(1);

        Run blocked = run("outbox", "blocked", "--database-url", url);
        assertThat(blocked.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(blocked.out()).contains("stream order-0 OrderPlaced", "2 attempts", "2 row(s) waiting behind it")
                .contains("\\u001b[31mqueue policy").doesNotContain("\u001b");
        JsonNode row = run("outbox", "blocked", "--json", "--database-url", url).json().path("blocked").get(0);
        assertThat(row.path("streamId").asText()).isEqualTo("order-0");
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
        assertThat(row.path("waiting").asInt()).isEqualTo(2);
    }

    @Test
    void retryResetsTheAttemptsAndTheRelaySendsTheStreamInOrder() throws Exception {
        long id = blockedId();
        poisonFails = false; // the destination is fixed
        Run retry = run("outbox", "retry", Long.toString(id), "--reason", "queue policy fixed", "--actor", "alice", "--json",
                "--database-url", url);
        assertThat(retry.code()).as(retry.out()).isZero();
        assertThat(retry.json().path("rows").get(0).path("stateBefore").asText()).isEqualTo("BLOCKED");

        new OutboxRelay(tx, RelaySettings.DEFAULTS).run(broker, Deadline.none());
        assertThat(published).containsExactly("order-1/OrderPlaced", "order-0/OrderPlaced", "order-0/OrderPaid",
                "order-0/OrderShipped");
        assertThat(run("outbox", "status", "--database-url", url).code()).isZero();
        assertThat(query("SELECT actor || '|' || reason || '|' || action || '|' || attempts FROM outbox_interventions"))
                .isEqualTo("alice|queue policy fixed|RETRY|2");
    }

    @Test
    void unblockReleasesTheRowAndItsStreamMovesOnWithoutIt() throws Exception {
        long id = blockedId();
        Run unblock = run("outbox", "unblock", Long.toString(id), "--reason", "consumer rejects this payload", "--database-url", url);
        assertThat(unblock.code()).as(unblock.out()).isZero();
        assertThat(unblock.out()).contains("#" + id + " orders stream order-0: release (was BLOCKED after 2 attempts)");

        new OutboxRelay(tx, RelaySettings.DEFAULTS).run(broker, Deadline.none());
        assertThat(published).containsExactly("order-1/OrderPlaced", "order-0/OrderPaid", "order-0/OrderShipped");
        assertThat(query("SELECT count(*) FROM outbox WHERE released_at IS NOT NULL AND published_at IS NULL")).isEqualTo("1");
        assertThat(query("SELECT action || '|' || actor FROM outbox_interventions"))
                .isEqualTo("RELEASE|" + System.getProperty("user.name"));
    }

    @Test
    void wrongUsesExitTwoAndChangeNothing() throws Exception {
        long id = blockedId();
        assertThat(run("outbox", "unblock", Long.toString(id), "--database-url", url).code())
                .as("--reason is required").isEqualTo(ExitCodes.USAGE);
        assertThat(run("outbox", "unblock", Long.toString(id), "999999", "--reason", "x", "--database-url", url).code())
                .as("an unknown id fails the whole command").isEqualTo(ExitCodes.USAGE);
        long publishedRow = Long.parseLong(query("SELECT min(outbox_id) FROM outbox WHERE published_at IS NOT NULL"));
        assertThat(run("outbox", "unblock", Long.toString(publishedRow), "--reason", "x", "--database-url", url).code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("outbox", "blocked", "-n", "0", "--database-url", url).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(query("SELECT count(*) FROM outbox_interventions")).isEqualTo("0");
        assertThat(query("SELECT count(*) FROM outbox WHERE blocked_at IS NOT NULL AND released_at IS NULL")).isEqualTo("1");
    }

    long blockedId() throws Exception {
        return Long.parseLong(query("SELECT outbox_id FROM outbox WHERE blocked_at IS NOT NULL"));
    }

    String query(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
