package io.inlet.aws.bench;

import io.inlet.testing.JdbcCallTimer;
import io.inlet.Inlet;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import io.inlet.outbox.RelayReport;
import io.inlet.outbox.RelaySettings;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Relay throughput against the physical path: N outbox rows published by the relay
 * ({@code Inlet.relay} with {@link SqsEventPublisher}: claim, render, SendMessageBatch by 10 with
 * the given send concurrency, mark) versus the same SendMessageBatch calls over the same rendered
 * messages with the same number in flight and no database, both into ElasticMQ in this JVM. Each
 * round runs the bare calls and every relay variant once, in an order rotated from round to round;
 * the ratio relay / bare is taken within a round, and the median of the rounds is reported. Each
 * relay run also prints where its time went: how long its sending thread was busy (the rest is the
 * sender idle, waiting for claims and marks) and its SQL statements by kind (count x mean time).
 * The sequential bare loop (one call after another) runs once, for reference. Usage:
 * functions-aws/bench/relay.sh [messages] [concurrency x rows per claim x slices in flight, ...]
 * [rounds] (default {@code 8x100x1,8x100x2,8x500x1,8x500x2}, 3 rounds; slices in flight 1 = the
 * relay without pipelining).
 */
public final class RelayBench {

    /** One SendMessageBatch request per 10 messages, with the same bodies and attributes as the relay's. */
    static List<List<SendMessageBatchRequestEntry>> calls(List<OutboxMessage> rendered) {
        List<List<SendMessageBatchRequestEntry>> calls = new ArrayList<>();
        for (int i = 0; i < rendered.size(); i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (OutboxMessage m : rendered.subList(i, Math.min(rendered.size(), i + 10))) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Long.toString(m.outboxId())).messageBody(m.body())
                        .messageAttributes(Map.of(
                                "eventType", MessageAttributeValue.builder().dataType("String").stringValue(m.eventType()).build(),
                                "schemaVersion", MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(m.schemaVersion())).build(),
                                "correlationId", MessageAttributeValue.builder().dataType("String").stringValue(m.correlationId()).build()))
                        .build());
            }
            calls.add(entries);
        }
        return calls;
    }

    /** The baseline: SendMessageBatch by 10, one call after another; returns seconds (building the requests included). */
    static double bare(SqsClient sqs, String url, List<OutboxMessage> rendered) {
        long t0 = System.nanoTime();
        for (List<SendMessageBatchRequestEntry> entries : calls(rendered)) {
            sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The same calls with {@code threads} in flight; returns seconds. */
    static double bareConcurrent(SqsClient sqs, String url, List<OutboxMessage> rendered, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> sent = new ArrayList<>();
            for (List<SendMessageBatchRequestEntry> entries : calls(rendered)) {
                sent.add(pool.submit(() -> sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries))));
            }
            for (Future<?> f : sent) f.get();
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdown();
        }
    }

    /** A relay variant: SendMessageBatch calls in flight, rows per claimed slice, slices in flight (1 = no overlap). */
    record Variant(int concurrency, int rowsPerClaim, int slicesInFlight) {
        static List<Variant> parse(String spec) {
            List<Variant> out = new ArrayList<>();
            for (String v : spec.split(",")) {
                String[] p = v.trim().split("x");
                out.add(new Variant(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p.length > 2 ? Integer.parseInt(p[2])
                        : RelaySettings.DEFAULT_SLICES_IN_FLIGHT));
            }
            return out;
        }

        RelaySettings settings() {
            RelaySettings s = new RelaySettings(rowsPerClaim, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofDays(7));
            // slices in flight 1 = the relay before pipelining: claim, send, mark, commit, slice by slice
            return slicesInFlight == 1 ? s.withPipeline(1, 1) : s.withPipeline(slicesInFlight, RelaySettings.DEFAULT_SLICES_PER_COMMIT);
        }

        @Override
        public String toString() {
            return "relay c" + concurrency + " x" + rowsPerClaim + (slicesInFlight == 1 ? " sequential" : " pipelined " + slicesInFlight);
        }
    }

    /** The publisher under test, timing its calls: how long the sending thread was busy. */
    static final class TimedPublisher implements EventPublisher {
        private final EventPublisher target;
        final LongAdder busyNanos = new LongAdder();
        final LongAdder calls = new LongAdder();

        TimedPublisher(EventPublisher target) {
            this.target = target;
        }

        @Override
        public PublishResult publish(List<OutboxMessage> batch) {
            long t0 = System.nanoTime();
            try {
                return target.publish(batch);
            } finally {
                busyNanos.add(System.nanoTime() - t0);
                calls.increment();
            }
        }
    }

    /** One relay run's figures. */
    record RelayRun(Variant variant, long published, double seconds, double sendBusySeconds, Map<String, long[]> sql) {
        double rate() {
            return published / seconds;
        }

        double sqlSeconds() {
            return sql.values().stream().mapToLong(v -> v[1]).sum() / 1e9;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<Variant> variants = Variant.parse(args.length > 1 ? args[1] : "8x100x1,8x100x2,8x500x1,8x500x2");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        SqsEmulator emulator = new SqsEmulator();
        emulator.start();
        try {
            SqsClient sqs = emulator.client();
            String url = emulator.createQueue("orders-bench");
            DataSource ds = TestDatabase.fresh("order_events");
            Transactions tx = new Transactions(ds);
            List<DerivedRoute> routes = List.of(new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null));
            for (int start = 0; start < n; start += 5_000) {
                List<EventEnvelope> batch = new ArrayList<>();
                for (int i = start; i < Math.min(n, start + 5_000); i++) {
                    batch.add(new EventEnvelope(UUID.nameUUIDFromBytes(("e" + i).getBytes()), "order-" + (i % 20_000), "OrderPlaced", 1,
                            Instant.parse("2026-11-20T10:00:00Z"), "corr-" + (i / 1000), null, "bench:" + i,
                            "{\"order_id\":\"O-" + i + "\",\"customer\":\"Customer " + (i % 977) + "\",\"amount\":" + (i % 1000)
                                    + ".25,\"currency\":\"EUR\",\"status\":\"PAID\"}"));
                }
                tx.inTransaction(c -> new EventStore().append(c, "order_events", batch, routes));
            }
            // the same rendered messages the relay will send: a relay run into memory (also its warm-up), undone after
            List<OutboxMessage> rendered = java.util.Collections.synchronizedList(new ArrayList<>());
            inlet(ds, new Variant(1, 500, 2).settings()).relay(batch -> {
                rendered.addAll(batch);
                Map<Long, String> ok = new java.util.LinkedHashMap<>();
                batch.forEach(m -> ok.put(m.outboxId(), "mem-" + m.outboxId()));
                return new PublishResult(ok, Map.of());
            }, Deadline.none());
            resetOutbox(ds);
            System.out.printf("%d events appended, %d messages rendered%n", n, rendered.size());

            bare(sqs, url, rendered.subList(0, Math.min(rendered.size(), 5_000))); // warm-up: JIT, connections, emulator
            bareConcurrent(sqs, url, rendered.subList(0, Math.min(rendered.size(), 5_000)), 8);
            sqs.purgeQueue(b -> b.queueUrl(url));
            double bareSequential = bare(sqs, url, rendered);
            sqs.purgeQueue(b -> b.queueUrl(url));
            System.out.printf("bare SendMessageBatch loop, one call after another (reference): %d in %.2f s = %.0f msg/s%n",
                    rendered.size(), bareSequential, rendered.size() / bareSequential);

            // each round: the bare calls at every concurrency a variant uses, and every variant, in a rotated order
            Set<Integer> concurrencies = new java.util.TreeSet<>();
            variants.forEach(v -> concurrencies.add(v.concurrency()));
            List<Object> steps = new ArrayList<>(concurrencies);
            steps.addAll(variants);
            Map<Variant, List<Double>> ratios = new java.util.LinkedHashMap<>();
            Map<Variant, List<RelayRun>> runs = new java.util.LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                Map<Integer, Double> bareRate = new java.util.HashMap<>();
                List<RelayRun> roundRuns = new ArrayList<>();
                for (int k = 0; k < steps.size(); k++) {
                    Object step = steps.get((k + round) % steps.size());
                    sqs.purgeQueue(b -> b.queueUrl(url));
                    if (step instanceof Integer threads) {
                        double t = bareConcurrent(sqs, url, rendered, threads);
                        bareRate.put(threads, rendered.size() / t);
                        System.out.printf("round %d: bare SendMessageBatch, %d calls in flight: %d in %.2f s = %.0f msg/s%n",
                                round + 1, threads, rendered.size(), t, rendered.size() / t);
                    } else {
                        RelayRun r = relay(ds, sqs, url, (Variant) step);
                        roundRuns.add(r);
                        runs.computeIfAbsent(r.variant(), v -> new ArrayList<>()).add(r);
                        System.out.printf("round %d: %s: published %d in %.2f s = %.0f msg/s; sender busy %.2f s (idle %.0f %%), "
                                        + "SQL %.2f s: %s%n", round + 1, r.variant(), r.published(), r.seconds(), r.rate(),
                                r.sendBusySeconds(), 100 * (1 - r.sendBusySeconds() / r.seconds()), r.sqlSeconds(), sqlSummary(r.sql()));
                        resetOutbox(ds);
                    }
                }
                for (RelayRun r : roundRuns) {
                    ratios.computeIfAbsent(r.variant(), v -> new ArrayList<>()).add(r.rate() / bareRate.get(r.variant().concurrency()));
                }
            }
            System.out.printf("%nsummary, %d messages, %d rounds; ratio = relay / bare SendMessageBatch with the same calls in flight,"
                    + " same round (median, and every round)%n", rendered.size(), rounds);
            for (var e : ratios.entrySet()) {
                List<RelayRun> rs = runs.get(e.getKey());
                System.out.printf("  %s: median %.0f msg/s, relay/bare = %.2f %s; relay/sequential bare = %.2f%n", e.getKey(),
                        median(rs.stream().map(RelayRun::rate).toList()), median(e.getValue()), format(e.getValue()),
                        median(rs.stream().map(RelayRun::rate).toList()) / (rendered.size() / bareSequential));
            }
        } finally {
            emulator.stop();
        }
        System.exit(0);
    }

    private static RelayRun relay(DataSource ds, SqsClient sqs, String url, Variant v) {
        JdbcCallTimer timer = new JdbcCallTimer(ds, RelayBench::statementKind);
        Inlet inlet = inlet(timer, v.settings());
        long t1 = System.nanoTime();
        RelayReport r;
        TimedPublisher timed;
        try (SqsEventPublisher publisher = new SqsEventPublisher(sqs, null, Map.of("orders", url), null, v.concurrency())) {
            timed = new TimedPublisher(publisher);
            r = inlet.relay(timed, Deadline.none());
        }
        double seconds = (System.nanoTime() - t1) / 1e9;
        if (r.failed() > 0 || r.pending() > 0) throw new IllegalStateException(v + ": " + r);
        return new RelayRun(v, r.published(), seconds, timed.busyNanos.sum() / 1e9, timer.snapshot());
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    private static String format(List<Double> values) {
        return values.stream().map(d -> String.format("%.2f", d)).toList().toString();
    }

    /** The relay's statements by what they do (the kinds {@link JdbcCallTimer} sums their time under). */
    static String statementKind(String sql) {
        String s = sql.replaceAll("\\s+", " ");
        if (s.startsWith("WITH w AS")) return "claim.window";
        if (s.contains("LIMIT ? FOR UPDATE OF o SKIP LOCKED")) return "claim.heads";
        if (s.contains("FROM outbox h CROSS JOIN LATERAL")) return "claim.followers-read";
        if (s.contains("ORDER BY o.outbox_id FOR UPDATE OF o SKIP LOCKED")) return "claim.followers-lock";
        if (s.startsWith("UPDATE outbox o SET available_at")) return "claim.defer";
        if (s.startsWith("SELECT event_id, stream_id")) return "render.events";
        if (s.startsWith("WITH at AS")) return "mark.published";
        if (s.startsWith("UPDATE outbox SET attempts") || s.contains("blocked_at IS NOT NULL")) return "mark.failed";
        return "other";
    }

    private static String sqlSummary(Map<String, long[]> sql) {
        StringBuilder b = new StringBuilder();
        for (var e : sql.entrySet()) {
            if (b.length() > 0) b.append(", ");
            b.append(String.format("%s %d x %.2f ms", e.getKey(), e.getValue()[0], e.getValue()[1] / 1e6 / Math.max(1, e.getValue()[0])));
        }
        return b.toString();
    }

    private static Inlet inlet(DataSource ds, RelaySettings settings) {
        return Inlet.builder().dataSource(ds).feeds(FeedRegistry.parse("""
                version: 1
                messages:
                  - { name: none, channel: none, format: cloudevent, table: order_events }
                """, "relay-bench.yaml"))
                .relaySettings(settings)
                .build();
    }

    /** Makes every row due again, and vacuums so each run claims from a table of the same shape. */
    private static void resetOutbox(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("UPDATE inlet.outbox SET published_at = NULL, broker_message_id = NULL, attempts = 0");
            st.execute("VACUUM ANALYZE inlet.outbox");
        }
    }
}
