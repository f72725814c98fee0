package io.inlet.simulation;

import io.inlet.Inlet;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.aws.decode.SqsBodyDecoder;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.decode.PubSubMessageDecoder;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.failure.Deadline;
import io.inlet.outbox.RelaySettings;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Verdict;
import io.inlet.simulation.Scenario.Cloud;
import io.inlet.simulation.Scenario.Message;
import io.inlet.simulation.Scenario.Notice;
import io.inlet.simulation.Scenario.Version;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Runs one {@link Scenario} through the real parts: the AWS decoders (SQS body: S3 events,
 * EventBridge, business messages) and what the AWS handlers then call, the GCS decoders (storage
 * CloudEvents, Pub/Sub) and the GCS {@link DeliveryHandler}, the core {@link Inlet}, and the
 * {@link io.inlet.outbox.OutboxRelay} (one to three at once) against PostgreSQL and a
 * {@link MemoryBroker}. Then {@link ModelChecks} compares the outcome with the scenario.
 *
 * <p>One instance serves many seeds on one database: each seed's names are its own.
 */
final class Simulation {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: sim-files
                bucket: sim-drop
                key_pattern: "**"
                format: { type: csv }
                mapping:
                  event_type: SimRecorded
                  stream_id: "{stream}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: sim_events
                shared_streams: true
                batch_size: 2
                derived:
                  - { events: appended, destination: sim-out }
                  - { events: summary, destination: sim-ops }
            messages:
              - name: sim-msgs
                channel: sim-msgs
                format: json
                mapping:
                  event_type: SimRecorded
                  stream_id: "{stream}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: sim_events
                shared_streams: true
                derived:
                  - { events: appended, destination: sim-out }
            """;

    /** Steps after which a scenario that still has deliveries or pending rows counts as stuck. */
    static final int MAX_STEPS = 3_000;

    static final long[] TIMES = new long[4];

    private final DataSource ds;
    private final FaultyDataSource faulty;
    private final FeedRegistry feeds = FeedRegistry.parse(FEEDS, "simulation-feeds.yaml");
    private final LambdaEventJson lambdaJson = new LambdaEventJson();
    private final SqsBodyDecoder sqsDecoder = new SqsBodyDecoder(lambdaJson);
    private final Inlet ingest;
    private final java.util.Map<String, List<Inlet>> relayCores = new java.util.HashMap<>();

    Simulation(DataSource ds) {
        this.ds = ds;
        this.faulty = new FaultyDataSource(ds);
        this.ingest = Inlet.builder().dataSource(faulty).feeds(feeds).workerId("sim-ingest").build();
    }

    FeedRegistry feeds() {
        return feeds;
    }

    /** Runs the seed's scenario; returns what it broke (empty: nothing). */
    List<String> run(long seed) {
        long t0 = System.nanoTime();
        Scenario s = Scenario.draw(seed);
        Random r = new Random(seed ^ 0x5DEECE66DL);
        long outboxBefore = scalar("SELECT coalesce(max(outbox_id), 0) FROM outbox");
        MemoryObjects objects = new MemoryObjects();
        for (Scenario.Key k : s.keys()) {
            for (Version v : k.history()) {
                if (!v.delete()) objects.put(Scenario.BUCKET, k.key(), v.version(), v.csv().getBytes(StandardCharsets.UTF_8));
            }
        }
        DeliveryHandler deliveries = ingest.deliveryHandler(objects, io.inlet.trigger.VerdictObserver.NONE);
        MemoryBroker broker = new MemoryBroker(seed, s.publishFaults());
        List<Inlet> relays = relays(s.relays(), s.relayBatch());
        List<String> problems = new ArrayList<>();

        // 1. the object notifications, one at a time (exact replay), requeued until done
        List<Notice> queue = new ArrayList<>(s.notices());
        int steps = 0, sequence = 0;
        while (!queue.isEmpty()) {
            if (++steps > MAX_STEPS) {
                problems.add("stuck: " + queue.size() + " notifications still not done after " + MAX_STEPS + " deliveries, e.g. " + queue.get(0));
                break;
            }
            Notice n = queue.remove(0);
            if (r.nextDouble() < s.relayBetweenDeliveries()) relayRound(relays, broker, r, problems);
            Deadline deadline = r.nextDouble() < s.deadlineRate() ? countingDeadline(2 + r.nextInt(12)) : Deadline.none();
            boolean fault = r.nextDouble() < s.dbFaultRate();
            if (fault) faulty.failAfter(1 + r.nextInt(8));
            boolean done;
            try {
                done = deliver(n, s, deliveries, objects, deadline, "n" + sequence++, problems);
            } catch (RuntimeException e) {
                if (!fault) problems.add("delivery of " + describe(n) + " threw without an injected fault: " + e);
                done = false;
            } finally {
                faulty.disarm();
            }
            if (!done) queue.add(queue.isEmpty() ? 0 : r.nextInt(queue.size() + 1), n);
        }

        long t1 = System.nanoTime();
        // 2. business messages, delivered concurrently (three at a time)
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Message m : s.messages()) futures.add(pool.submit(() -> deliverMessage(m, deliveries, problems)));
            for (Future<?> f : futures) f.get();
        } catch (Exception e) {
            problems.add("message delivery failed: " + e);
        } finally {
            pool.shutdown();
        }

        long t2 = System.nanoTime();
        // 3. relays until the outbox is drained
        int rounds = 0;
        while (scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") > 0) {
            if (++rounds > 400) {
                problems.add("stuck: outbox not drained after 400 relay rounds");
                break;
            }
            relayRound(relays, broker, r, problems);
        }
        long t3 = System.nanoTime();
        if (problems.isEmpty()) problems.addAll(new ModelChecks(ds, feeds, s, outboxBefore, broker.accepted()).run());
        long t4 = System.nanoTime();
        TIMES[0] += t1 - t0; TIMES[1] += t2 - t1; TIMES[2] += t3 - t2; TIMES[3] += t4 - t3;
        return problems;
    }

    /** {@code n} relay cores with batches of {@code batch} and no backoff (a failed row is due at the next run). */
    private List<Inlet> relays(int n, int batch) {
        return relayCores.computeIfAbsent(n + "x" + batch, k -> {
            RelaySettings settings = new RelaySettings(batch, Duration.ZERO, Duration.ZERO, Duration.ofDays(7));
            List<Inlet> relays = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                relays.add(Inlet.builder().dataSource(ds).feeds(feeds).workerId("sim-relay-" + i).relaySettings(settings).build());
            }
            return relays;
        });
    }

    /** One to three relays at once, each until its deadline (a few clock reads) or the outbox is empty. */
    private void relayRound(List<Inlet> relays, MemoryBroker broker, Random r, List<String> problems) {
        List<Deadline> deadlines = new ArrayList<>();
        for (int i = 0; i < relays.size(); i++) deadlines.add(countingDeadline(1 + r.nextInt(6)));
        if (relays.size() == 1) {
            relays.get(0).relay(broker, deadlines.get(0));
            return;
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < relays.size(); i++) {
            Inlet relay = relays.get(i);
            Deadline d = deadlines.get(i);
            Thread t = new Thread(() -> {
                try {
                    relay.relay(broker, d);
                } catch (RuntimeException e) {
                    synchronized (problems) {
                        problems.add("relay threw: " + e);
                    }
                }
            }, "sim-relay-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Delivers one notification as its cloud would; true when it needs no redelivery. */
    private boolean deliver(Notice n, Scenario s, DeliveryHandler deliveries, MemoryObjects objects, Deadline deadline,
                            String id, List<String> problems) {
        String key = n.key().key();
        Version v = n.version();
        return switch (n.route()) {
            case S3_EVENT, EVENTBRIDGE -> {
                String body = n.route() == Scenario.Route.S3_EVENT ? Payloads.s3Event(key, v)
                        : Payloads.eventBridge(key, v, "eb-" + s.seed() + "-" + id);
                List<Delivery> decoded = sqsDecoder.decode(Payloads.sqs("sqs-" + s.seed() + "-" + id, body), "sim-msgs");
                boolean allDone = true;
                for (Delivery d : decoded) {
                    if (!(d instanceof Delivery.ObjectNotice)) {
                        problems.add("AWS decoder did not read " + describe(n) + ": " + d);
                        continue;
                    }
                    // the one handler both clouds' entry points use
                    Verdict verdict = deliveries.handle(d, deadline);
                    if (verdict.outcome() == Verdict.Outcome.GAVE_UP) {
                        problems.add("AWS handler gave up on " + describe(n) + ": " + verdict.detail());
                    }
                    allDone &= verdict.acknowledges();
                }
                yield allDone;
            }
            case STORAGE_CLOUDEVENT, PUBSUB_NOTIFICATION -> {
                var decoded = n.route() == Scenario.Route.STORAGE_CLOUDEVENT
                        ? StorageEventDecoder.decode(Payloads.storageCloudEvent(key, v, "ce-" + s.seed() + "-" + id))
                        : PubSubMessageDecoder.decode(Payloads.pubSubNotification(n, "ps-" + s.seed() + "-" + id), "sim-msgs");
                Verdict verdict = deliveries.handle(decoded, deadline);
                if (verdict.outcome() == Verdict.Outcome.GAVE_UP) {
                    problems.add("GCS handler gave up on " + describe(n) + ": " + verdict.detail());
                }
                yield verdict.acknowledges();
            }
        };
    }

    private void deliverMessage(Message m, DeliveryHandler deliveries, List<String> problems) {
        String failure = null;
        if (m.cloud() == Cloud.AWS) {
            List<Delivery> decoded = sqsDecoder.decode(Payloads.sqs(m.messageId(), m.body()), "sim-msgs");
            if (decoded.size() == 1 && decoded.get(0) instanceof Delivery.BusinessMessage) {
                Verdict verdict = deliveries.handle(decoded.get(0), Deadline.none());
                if (!verdict.acknowledges()) failure = "AWS business message " + m + " not taken: " + verdict;
            } else {
                failure = "AWS decoder did not read business message " + m + ": " + decoded;
            }
        } else {
            Verdict verdict = deliveries.handle(PubSubMessageDecoder.decode(Payloads.pubSubMessage(m.messageId(), m.body()),
                    "sim-msgs"), Deadline.none());
            if (!verdict.acknowledges()) failure = "GCS handler did not take business message " + m + ": " + verdict;
        }
        if (failure != null) {
            synchronized (problems) {
                problems.add(failure);
            }
        }
    }

    private static String describe(Notice n) {
        Version v = n.version();
        return n.route() + " " + (v.delete() ? "delete" : "create") + " of " + n.key().key() + " version " + v.version()
                + " token " + v.token() + (n.overwrittenBy() == null ? "" : " overwritten by " + n.overwrittenBy());
    }

    /** A deadline that passes after {@code reads} reads of its clock: slices cut at a point the seed decides. */
    static Deadline countingDeadline(int reads) {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        AtomicLong ticks = new AtomicLong();
        Clock clock = new Clock() {
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
                return start.plusSeconds(ticks.incrementAndGet());
            }
        };
        return new Deadline(start.plusSeconds(reads), clock);
    }

    /**
     * Refreshes the planner's statistics: the tables grow by a few hundred rows a second, faster than
     * autovacuum analyzes them, and with stale statistics the verify checks' joins turn into nested
     * loops whose cost grows with the square of the database.
     */
    void analyze() {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        } catch (SQLException e) {
            throw new IllegalStateException("ANALYZE: " + e.getMessage(), e);
        }
    }

    long scalar(String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
