package io.inlet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The message path against a model, seeded (issue 18.2): messages of one to three events drawn from a
 * small pool of event ids (so duplicates and conflicts, within a message and across messages), bad
 * bodies, messages at a wrong expected version, each delivered one to three times in a shuffled order,
 * and before a random delivery the connection lost at a random server call, before it (the server never
 * saw it) or after it (the server did the work, committed it if the call committed, and the answer was
 * lost). A delivery that is not acknowledged comes back at the end of the queue. The model processes a
 * message when the database committed it (an acknowledged APPENDED, or an answer lost after a
 * committing call) and must agree with the ledger, the event table, the outbox and the rejections:
 * no event lost or doubled, gapless versions in processing order, each message its own outcome.
 */
class MessagePathSeededTest {

    static final String FEEDS = """
            version: 1
            feeds: []
            messages:
              - name: seeded
                channel: seeded
                format: auto
                mapping:
                  event_type: { column: type }
                  stream_id: "s-{stream}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: column, column: id }
                  payload: { include: all }
                table: seeded_events
                derived:
                  - { events: appended, destination: out }
            """;

    static DataSource raw;
    static FeedRegistry feeds;

    @BeforeAll
    static void start() {
        feeds = FeedRegistry.parse(FEEDS, "feeds.yaml");
        raw = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
    }

    enum Kind { GOOD, BAD_BODY, WRONG_VERSION }

    record Ev(String id, String stream, int amount) {
    }

    record Msg(String id, Kind kind, List<Ev> events) {
        InboundMessage inbound() {
            if (kind == Kind.BAD_BODY) return new InboundMessage(id, "seeded", "{\"type\": ", Map.of());
            StringBuilder body = new StringBuilder(events.size() > 1 ? "[" : "");
            for (int i = 0; i < events.size(); i++) {
                Ev e = events.get(i);
                if (i > 0) body.append(',');
                body.append("{\"type\":\"T\",\"stream\":\"").append(e.stream()).append("\",\"id\":\"").append(e.id())
                        .append("\",\"amount\":").append(e.amount()).append('}');
            }
            if (events.size() > 1) body.append(']');
            return new InboundMessage(id, "seeded", body.toString(),
                    kind == Kind.WRONG_VERSION ? Map.of("expectedVersion", "999999") : Map.of());
        }
    }

    /** What the database must hold: events by id (payload amount, stream), each stream's ids in version order, counts per message. */
    static final class Model {
        final Map<String, Ev> stored = new HashMap<>();
        final Map<String, List<String>> streams = new HashMap<>();
        final Map<String, long[]> counts = new LinkedHashMap<>(); // message -> appended, duplicate, conflict

        boolean processed(Msg m) {
            return counts.containsKey(m.id());
        }

        long[] process(Msg m) {
            long[] c = new long[3];
            for (Ev e : m.events()) {
                Ev had = stored.get(e.id());
                if (had == null) {
                    stored.put(e.id(), e);
                    streams.computeIfAbsent(e.stream(), k -> new ArrayList<>()).add(e.id());
                    c[0]++;
                } else if (had.amount() == e.amount()) {
                    c[1]++;
                } else {
                    c[2]++;
                }
            }
            counts.put(m.id(), c);
            return c;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void theDatabaseAgreesWithTheModelUnderRedeliveriesAndLostConnections(long seed) throws Exception {
        Random rnd = new Random(seed);
        String p = "z" + seed + "-";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 14; i++) ids.add(String.format("%08d-0000-4000-8000-%012d", seed, i));
        List<Msg> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int r = rnd.nextInt(10);
            Kind kind = r == 0 ? Kind.BAD_BODY : r == 1 ? Kind.WRONG_VERSION : Kind.GOOD;
            int n = kind == Kind.WRONG_VERSION ? 1 : 1 + rnd.nextInt(3);
            List<Ev> events = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int id = rnd.nextInt(ids.size()); // an event id's stream is always the same: only the amount varies
                events.add(new Ev(ids.get(id), p + id % 4, 1 + rnd.nextInt(rnd.nextInt(6) == 0 ? 2 : 1)));
            }
            messages.add(new Msg(p + "m" + i, kind, events));
        }
        List<Msg> queue = new ArrayList<>();
        for (Msg m : messages) for (int k = 1 + rnd.nextInt(3); k > 0; k--) queue.add(m);
        java.util.Collections.shuffle(queue, rnd);
        Deque<Msg> deliveries = new ArrayDeque<>(queue);

        ServerCalls calls = new ServerCalls(raw);
        Inlet inlet = Inlet.builder().dataSource(calls.dataSource()).feeds(feeds).workerId("seeded-" + seed).build();
        DeliveryHandler handler = inlet.deliveryHandler(null, VerdictObserver.NONE);
        Model model = new Model();
        int losses = 0;
        for (int step = 0; !deliveries.isEmpty(); step++) {
            assertThat(step).as("seed %d: deliveries end", seed).isLessThan(2_000);
            Msg m = deliveries.poll();
            boolean lose = rnd.nextInt(4) == 0;
            if (lose) calls.loseAt(1 + rnd.nextInt(6), rnd.nextBoolean() ? ServerCalls.Loss.BEFORE : ServerCalls.Loss.AFTER);
            else calls.loseAt(-1, ServerCalls.Loss.BEFORE);
            Verdict verdict = handler.handle(new Delivery.BusinessMessage(m.inbound(), null), Deadline.none());
            losses += lose ? 1 : 0;
            String where = "seed " + seed + ", step " + step + ", " + m;
            if (lose && calls.lostAfterCommit() && m.kind() == Kind.GOOD && !model.processed(m)) {
                // the answer to a committing call was lost: whether that commit claimed the message (a shut gate
                // commits nothing) is the ledger's to say; if it did, the model processes it now, with the same counts
                try (Connection c = raw.getConnection()) {
                    var entry = new MessageLedger().get(c, new MessageKey("seeded", m.id()));
                    if (entry.isPresent() && entry.get().status() == MessageStatus.PROCESSED) {
                        long[] counts = model.process(m);
                        assertThat(new long[] {entry.get().appended(), entry.get().duplicate(), entry.get().conflict()})
                                .as(where + ": committed, answer lost").containsExactly(counts);
                    }
                }
            }
            switch (verdict.outcome()) {
                case DONE -> {
                    assertThat(m.kind()).as(where).isEqualTo(Kind.GOOD);
                    MessageOutcome outcome = verdict.message();
                    if (model.processed(m)) {
                        assertThat(outcome.status()).as(where).isEqualTo(MessageOutcome.Status.ALREADY_PROCESSED);
                    } else {
                        assertThat(outcome.status()).as(where).isEqualTo(MessageOutcome.Status.APPENDED);
                        long[] c = model.process(m);
                        assertThat(new long[] {outcome.counts().appended(), outcome.counts().duplicate(), outcome.counts().conflict()})
                                .as(where).containsExactly(c);
                    }
                }
                case GAVE_UP -> assertThat(m.kind()).as(where + ": " + verdict.detail()).isNotEqualTo(Kind.GOOD);
                default -> {
                    assertThat(lose).as(where + ": only a lost connection makes a delivery come back: " + verdict.detail()).isTrue();
                    deliveries.add(m);
                }
            }
        }
        assertThat(losses).isPositive();

        try (Connection c = raw.getConnection()) {
            MessageLedger ledger = new MessageLedger();
            for (Msg m : messages) {
                MessageLedger.Entry entry = ledger.get(c, new MessageKey("seeded", m.id())).orElseThrow();
                if (m.kind() == Kind.GOOD) {
                    assertThat(entry.status()).as("seed %d %s", seed, m).isEqualTo(MessageStatus.PROCESSED);
                    assertThat(new long[] {entry.appended(), entry.duplicate(), entry.conflict()}).as("seed %d %s", seed, m)
                            .containsExactly(model.counts.get(m.id()));
                    assertThat(count(c, "SELECT count(*) FROM rejected_records WHERE channel = 'seeded' AND message_id = ?", m.id()))
                            .as("seed %d %s: one rejection per conflict", seed, m).isEqualTo(model.counts.get(m.id())[2]);
                } else {
                    assertThat(entry.status()).as("seed %d %s", seed, m).isEqualTo(MessageStatus.FAILED);
                }
            }
            for (Map.Entry<String, List<String>> s : model.streams.entrySet()) {
                List<String> stored = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT payload->>'id', stream_version, (payload->>'amount')::int FROM seeded_events WHERE stream_id = ? ORDER BY stream_version")) {
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
            assertThat(count(c, "SELECT count(*) FROM seeded_events WHERE stream_id LIKE ?", "s-" + p + "%"))
                    .as("seed %d: no event beyond the model's", seed).isEqualTo(model.stored.size());
            assertThat(count(c, "SELECT count(*) FROM outbox WHERE event_table = 'seeded_events' AND stream_id LIKE ?", "s-" + p + "%"))
                    .as("seed %d: one outbox row per appended event", seed).isEqualTo(model.stored.size());
        }
    }

    static long count(Connection c, String sql, String value) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
