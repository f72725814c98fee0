package io.inlet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.db.KeptConnection;
import io.inlet.db.Migrations;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.MessagePathSeededTest.Ev;
import io.inlet.ingest.MessagePathSeededTest.Model;
import io.inlet.ledger.MessageKey;
import io.inlet.ledger.MessageLedger;
import io.inlet.ledger.MessageStatus;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Verdict;
import io.inlet.trigger.VerdictObserver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The message path on kept connections (one per function instance, as deployed) under what an attacker
 * or a careless operator does between and during messages, seeded against a model (msgattack). Two
 * instances, each with its one {@link KeptConnection} holding the server-prepared gated append and its
 * generic plan, take:
 * <ul>
 *   <li>messages of 0, 1, 2, 31, 32, 33 and 40 events, duplicates and conflicts within a message and
 *       across messages, over 5 streams or 41 (odd seeds: a large message's events then span more than
 *       32 streams and it locks its partitions exclusively);</li>
 *   <li>two deliveries at once, one per instance: the same message, or two that may share streams and
 *       events (some serial order of the model must explain both outcomes and the streams);</li>
 *   <li>the kept backend killed between two invocations, inside the quiet second (not validated);</li>
 *   <li>schema changes under the running instances: columns added to the event table, the outbox and the
 *       ledger, a column rewritten, an index made and dropped, statistics renewed, a new feed's event table
 *       migrated;</li>
 *   <li>the append stopped by a lock or statement timeout behind an operator's table lock;</li>
 *   <li>{@code plan_cache_mode} (auto, force_generic_plan, force_custom_plan) and
 *       {@code default_transaction_isolation} (read committed, repeatable read, serializable) set on the
 *       database by {@code ALTER DATABASE}, every pair of them by seed.</li>
 * </ul>
 * A delivery not acknowledged comes back at the end of the queue. Only a kill or a timeout armed for an
 * instance may fail its next delivery (never a schema change), and each instance heals by itself; at the
 * end the ledger, the event table, the outbox and the rejections agree with the model: nothing lost or
 * doubled, gapless versions in processing order, no lock or transaction left behind. A failing seed
 * replays (timing decides only whether an armed kill is met or found by a validation, and which of two
 * concurrent deliveries commits first).
 */
class KeptConnectionMessagePathSeededTest {

    static final String FEEDS = MessagePathSeededTest.FEEDS;
    static final int[] SIZES = {0, 1, 1, 1, 2, 2, 31, 32, 33, 40};
    static final String[] PLAN_CACHE_MODES = {"auto", "force_generic_plan", "force_custom_plan"};
    static final String[] ISOLATION_LEVELS = {"read committed", "repeatable read", "serializable"};

    static DataSource raw;
    static FeedRegistry feeds;
    static Connection observer;

    @BeforeAll
    static void start() throws Exception {
        feeds = FeedRegistry.parse(FEEDS, "feeds.yaml");
        raw = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        observer = raw.getConnection();
    }

    @AfterAll
    static void stop() throws Exception {
        observer.close();
    }

    record Msg(String id, List<Ev> events) {
        InboundMessage inbound() {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < events.size(); i++) {
                Ev e = events.get(i);
                if (i > 0) body.append(',');
                body.append("{\"type\":\"T\",\"stream\":\"").append(e.stream()).append("\",\"id\":\"").append(e.id())
                        .append("\",\"amount\":").append(e.amount()).append('}');
            }
            return new InboundMessage(id, "seeded", body.append(']').toString(), Map.of());
        }

        MessagePathSeededTest.Msg asModelled() {
            return new MessagePathSeededTest.Msg(id, MessagePathSeededTest.Kind.GOOD, events);
        }
    }

    /** One function instance: its kept connection and its handler; {@code armed} when a kill or timeout may fail its next delivery. */
    static final class Instance {
        final KeptConnection kept = new KeptConnection(raw);
        final DeliveryHandler handler;
        boolean armed;

        Instance(String name) {
            handler = Inlet.builder().dataSource(kept).feeds(feeds).workerId(name).build().deliveryHandler(null, VerdictObserver.NONE);
        }

        Verdict deliver(Msg m) {
            kept.revalidate(); // what every invocation does first
            return handler.handle(new Delivery.BusinessMessage(m.inbound(), null), Deadline.none());
        }

        int pid() throws Exception {
            try (Connection c = kept.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                return rs.getInt(1);
            }
        }

        /** Executions of the gated append on the kept connection that ran a generic plan. */
        long genericPlans() throws Exception {
            try (Connection c = kept.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements WHERE statement LIKE '%WITH input AS%'")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        void session(String sql) throws Exception {
            try (Connection c = kept.getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9})
    void theDatabaseAgreesWithTheModelWhileOperatorsChangeTheSchemaKillBackendsAndTimeStatementsOut(long seed) throws Exception {
        Random rnd = new Random(seed);
        String p = "k" + seed + "-";
        String mode = PLAN_CACHE_MODES[(int) (seed % PLAN_CACHE_MODES.length)] + ", "
                + ISOLATION_LEVELS[(int) (seed / 3 % ISOLATION_LEVELS.length)];
        execute("ALTER DATABASE " + database() + " SET plan_cache_mode = " + PLAN_CACHE_MODES[(int) (seed % PLAN_CACHE_MODES.length)]);
        execute("ALTER DATABASE " + database() + " SET default_transaction_isolation = '"
                + ISOLATION_LEVELS[(int) (seed / 3 % ISOLATION_LEVELS.length)] + "'");

        // few streams (versions interleave across messages), or many (a large message's events span more than
        // LOCKED_STREAMS_MAX streams: the gated append takes its partitions exclusively instead)
        int streams = seed % 2 == 0 ? 5 : 41;
        List<Ev> pool = new ArrayList<>();
        List<Msg> messages = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            int n = SIZES[rnd.nextInt(SIZES.length)];
            List<Ev> events = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Ev e;
                if (!pool.isEmpty() && rnd.nextInt(6) == 0) { // an event seen before: the same payload, or now and then another
                    Ev had = pool.get(rnd.nextInt(pool.size()));
                    e = new Ev(had.id(), had.stream(), rnd.nextInt(8) == 0 ? had.amount() + 1 : had.amount());
                } else {
                    int id = pool.size();
                    e = new Ev(String.format("%08d-0000-4000-8000-%012d", seed, id), p + id % streams, 1);
                    pool.add(e);
                }
                events.add(e);
            }
            messages.add(new Msg(p + "m" + i, events));
        }
        List<Msg> queue = new ArrayList<>();
        for (Msg m : messages) for (int k = 1 + rnd.nextInt(2); k > 0; k--) queue.add(m);
        java.util.Collections.shuffle(queue, rnd);
        Deque<Msg> deliveries = new ArrayDeque<>(queue);

        Instance[] instances = {new Instance("a-" + seed), new Instance("b-" + seed)};
        ExecutorService pair = Executors.newFixedThreadPool(2);
        Model model = new Model();
        int kills = 0, changes = 0, underGenericPlan = 0, timeouts = 0, concurrent = 0, failed = 0;
        try {
            for (int step = 0; !deliveries.isEmpty(); step++) {
                assertThat(step).as("seed %d: deliveries end", seed).isLessThan(2_000);
                Instance at = instances[rnd.nextInt(2)];
                int op = rnd.nextInt(20);
                String where = "seed " + seed + " (" + mode + "), step " + step;
                if (op < 2 && !at.armed) { // the instance's backend killed between two invocations, inside the quiet second
                    terminate(at.pid());
                    at.armed = true;
                    kills++;
                    continue;
                }
                if (op < 4) { // a migration under the running instances
                    for (Instance i : instances) if (!i.armed && i.genericPlans() > 0) underGenericPlan++;
                    schemaChange(rnd, p + changes);
                    changes++;
                    continue;
                }
                Msg m = deliveries.poll();
                if (op < 6 && !at.armed && !m.events().isEmpty()) { // an operator's table lock; the append gives up after its timeout
                    String timeout = rnd.nextBoolean() ? "lock_timeout" : "statement_timeout";
                    at.session("SET " + timeout + " = '150ms'");
                    observer.setAutoCommit(false);
                    execute("LOCK TABLE seeded_events IN ACCESS EXCLUSIVE MODE");
                    Verdict v;
                    try {
                        v = at.deliver(m);
                    } finally {
                        observer.rollback();
                        observer.setAutoCommit(true);
                    }
                    at.session("SET " + timeout + " = 0");
                    assertThat(v.outcome()).as(where + ": " + timeout + " behind a table lock, " + m.id()).isEqualTo(Verdict.Outcome.RETRY);
                    assertThat(advisoryLocks()).as(where + ": the implicit transaction released its locks").isZero();
                    deliveries.add(m);
                    timeouts++;
                    failed++;
                    continue;
                }
                if (op < 9 && !instances[0].armed && !instances[1].armed) {
                    // two deliveries at once, one per instance: the same message, or it and the next one (sharing
                    // streams and events now and then); some serial order of the two must explain both outcomes
                    Msg other = rnd.nextBoolean() || deliveries.isEmpty() ? m : deliveries.poll();
                    CyclicBarrier together = new CyclicBarrier(2);
                    Future<Verdict> first = pair.submit(() -> {
                        together.await();
                        return instances[0].deliver(m);
                    });
                    Future<Verdict> second = pair.submit(() -> {
                        together.await();
                        return instances[1].deliver(other);
                    });
                    Verdict v1 = first.get(), v2 = second.get();
                    String what = where + ", at once: " + m.id() + " (" + m.events().size() + " events) -> " + v1.detail() + ", "
                            + other.id() + " (" + other.events().size() + " events) -> " + v2.detail();
                    assertThat(List.of(v1.outcome(), v2.outcome())).as(what).containsOnly(Verdict.Outcome.DONE);
                    Model serial = serially(model, List.of(m, other), List.of(v1, v2));
                    if (serial == null) serial = serially(model, List.of(other, m), List.of(v2, v1));
                    assertThat(serial).as(what + ": no serial order explains the outcomes and the streams").isNotNull();
                    model = serial;
                    concurrent++;
                    continue;
                }
                Verdict v = at.deliver(m);
                String what = where + ", " + m.id() + " (" + m.events().size() + " events): " + v.detail();
                switch (v.outcome()) {
                    case DONE -> {
                        MessageOutcome outcome = v.message();
                        if (model.processed(m.asModelled())) {
                            assertThat(outcome.status()).as(what).isEqualTo(MessageOutcome.Status.ALREADY_PROCESSED);
                        } else {
                            assertThat(outcome.status()).as(what).isEqualTo(MessageOutcome.Status.APPENDED);
                            long[] c = model.process(m.asModelled());
                            assertThat(new long[] {outcome.counts().appended(), outcome.counts().duplicate(),
                                    outcome.counts().conflict()}).as(what).containsExactly(c);
                        }
                    }
                    case RETRY -> {
                        assertThat(at.armed).as(what + ": only a kill fails a delivery; the instance healed after it").isTrue();
                        deliveries.add(m);
                        failed++;
                    }
                    default -> throw new AssertionError(what);
                }
                at.armed = false;
            }
            assertThat(kills + changes + timeouts + concurrent).as("seed %d: disturbed", seed).isPositive();
            if (mode.startsWith("force_generic_plan")) { // (under auto it depends on the seed: a kill resets the five custom plans)
                assertThat(underGenericPlan).as("seed %d: schema changes under a kept generic plan", seed).isPositive();
            }
        } finally {
            pair.shutdownNow();
            for (Instance i : instances) i.kept.close();
            execute("ALTER DATABASE " + database() + " RESET plan_cache_mode");
            execute("ALTER DATABASE " + database() + " RESET default_transaction_isolation");
        }

        try (Connection c = raw.getConnection()) {
            MessageLedger ledger = new MessageLedger();
            for (Msg m : messages) {
                MessageLedger.Entry entry = ledger.get(c, new MessageKey("seeded", m.id())).orElseThrow();
                assertThat(entry.status()).as("seed %d %s", seed, m.id()).isEqualTo(MessageStatus.PROCESSED);
                assertThat(new long[] {entry.appended(), entry.duplicate(), entry.conflict()}).as("seed %d %s", seed, m.id())
                        .containsExactly(model.counts.get(m.id()));
                assertThat(MessagePathSeededTest.count(c,
                        "SELECT count(*) FROM rejected_records WHERE channel = 'seeded' AND message_id = ?", m.id()))
                        .as("seed %d %s: one rejection per conflict", seed, m.id()).isEqualTo(model.counts.get(m.id())[2]);
            }
            for (Map.Entry<String, List<String>> s : model.streams.entrySet()) {
                List<String> stored = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT payload->>'id', stream_version, (payload->>'amount')::int "
                        + "FROM seeded_events WHERE stream_id = ? ORDER BY stream_version")) {
                    ps.setString(1, "s-" + s.getKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            stored.add(rs.getString(1));
                            assertThat(rs.getLong(2)).as("seed %d: gapless versions", seed).isEqualTo(stored.size());
                            assertThat(rs.getInt(3)).as("seed %d: the first payload kept", seed)
                                    .isEqualTo(model.stored.get(rs.getString(1)).amount());
                        }
                    }
                }
                assertThat(stored).as("seed %d: stream %s in processing order, nothing lost or doubled", seed, s.getKey())
                        .containsExactlyElementsOf(s.getValue());
            }
            assertThat(MessagePathSeededTest.count(c, "SELECT count(*) FROM seeded_events WHERE stream_id LIKE ?", "s-" + p + "%"))
                    .as("seed %d: no event beyond the model's", seed).isEqualTo(model.stored.size());
            assertThat(MessagePathSeededTest.count(c,
                    "SELECT count(*) FROM outbox WHERE event_table = 'seeded_events' AND stream_id LIKE ?", "s-" + p + "%"))
                    .as("seed %d: one outbox row per appended event", seed).isEqualTo(model.stored.size());
            assertThat(MessagePathSeededTest.count(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND state LIKE 'idle in transaction%' AND application_name <> ?", "-"))
                    .as("seed %d: no transaction left open", seed).isZero();
        }
        assertThat(advisoryLocks()).isZero();
        System.out.printf("seed %d (%s): %d kills, %d schema changes (%d under an instance's generic plan), %d timeouts, "
                + "%d concurrent pairs, %d failed deliveries%n", seed, mode, kills, changes, underGenericPlan, timeouts, concurrent, failed);
    }

    /**
     * The model after {@code messages} processed one after the other with these {@code verdicts}, when that
     * order explains them: each outcome and its counts, and the streams the two touched as stored now. Null otherwise.
     */
    static Model serially(Model model, List<Msg> messages, List<Verdict> verdicts) throws Exception {
        Model t = new Model();
        t.stored.putAll(model.stored);
        model.streams.forEach((k, v) -> t.streams.put(k, new ArrayList<>(v)));
        t.counts.putAll(model.counts);
        for (int i = 0; i < messages.size(); i++) {
            MessagePathSeededTest.Msg m = messages.get(i).asModelled();
            MessageOutcome outcome = verdicts.get(i).message();
            if (t.processed(m)) {
                if (outcome.status() != MessageOutcome.Status.ALREADY_PROCESSED) return null;
                continue;
            }
            if (outcome.status() != MessageOutcome.Status.APPENDED) return null;
            long[] c = t.process(m);
            if (!java.util.Arrays.equals(c, new long[] {outcome.counts().appended(), outcome.counts().duplicate(),
                    outcome.counts().conflict()})) {
                return null;
            }
        }
        for (Msg m : messages) {
            for (Ev e : m.events()) {
                if (!stream(e.stream()).equals(t.streams.getOrDefault(e.stream(), List.of()))) return null;
            }
        }
        return t;
    }

    /** The event ids of stream {@code s-stream} in version order. */
    static List<String> stream(String stream) throws Exception {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = observer.prepareStatement(
                "SELECT payload->>'id' FROM seeded_events WHERE stream_id = ? ORDER BY stream_version")) {
            ps.setString(1, "s-" + stream);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** One of the changes an operator's migration makes, named {@code suffix} where it names something. */
    static void schemaChange(Random rnd, String suffix) throws Exception {
        String name = suffix.replace('-', '_');
        switch (rnd.nextInt(9)) {
            case 0 -> execute("ALTER TABLE seeded_events ADD COLUMN note_" + name + " text");
            case 1 -> execute("ALTER TABLE seeded_events ADD COLUMN flag_" + name + " int NOT NULL DEFAULT 7");
            case 2 -> execute("ALTER TABLE outbox ADD COLUMN note_" + name + " text");
            case 3 -> execute("ALTER TABLE processed_messages ADD COLUMN note_" + name + " text DEFAULT 'x'");
            // a type change rewrites the column (a type other than text is refused by inlet migrate's check)
            case 4 -> execute("ALTER TABLE seeded_events ALTER COLUMN event_type TYPE text COLLATE \"" + (rnd.nextBoolean() ? "C" : "default") + "\"");
            case 5 -> execute("CREATE INDEX IF NOT EXISTS seeded_by_type ON seeded_events (event_type, occurred_at)");
            case 6 -> execute("DROP INDEX IF EXISTS seeded_by_type");
            case 7 -> execute("ANALYZE seeded_events");
            default -> Migrations.apply(raw, List.of("seeded_events", "more_" + name + "_events"));
        }
    }

    static void terminate(int pid) throws Exception {
        execute("SELECT pg_terminate_backend(" + pid + ")");
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (MessagePathSeededTest.count(observer, "SELECT count(*) FROM pg_stat_activity WHERE pid::text = ?",
                String.valueOf(pid)) > 0) {
            if (System.nanoTime() > until) throw new AssertionError("backend " + pid + " still there");
            Thread.sleep(5);
        }
    }

    static long advisoryLocks() throws Exception {
        return MessagePathSeededTest.count(observer, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid::text <> ?",
                "-");
    }

    static String database() throws Exception {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(String sql) throws Exception {
        try (Statement s = observer.createStatement()) {
            s.execute(sql);
        }
    }
}
