package io.inlet.aws.bench;

import io.inlet.Inlet;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.event.CloudEventWriter;
import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.OutboxStore;
import io.inlet.outbox.RelayReport;
import io.inlet.outbox.RelaySettings;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Relay throughput against the physical path: N outbox rows published by the relay
 * ({@code Inlet.relay} with {@link SqsEventPublisher}: claim, render, SendMessageBatch by 10 with
 * the given send concurrency, mark) versus a bare SendMessageBatch loop over the same rendered
 * messages, both into ElasticMQ in this JVM. The bare loop runs one call after another (the baseline)
 * twice, the better time counting; it also runs once with 8 calls in flight, for reference. Prints
 * messages/s and the ratio relay / bare. Usage: functions-aws/bench/relay.sh [messages]
 * [concurrency x rows per claim, ...] (default {@code 1x500,8x500,8x1000}).
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

    record Variant(int concurrency, int rowsPerClaim) {
        static List<Variant> parse(String spec) {
            List<Variant> out = new ArrayList<>();
            for (String v : spec.split(",")) {
                String[] p = v.trim().split("x");
                out.add(new Variant(Integer.parseInt(p[0]), Integer.parseInt(p[1])));
            }
            return out;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<Variant> variants = Variant.parse(args.length > 1 ? args[1] : "1x500,8x500,8x1000");
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
            // the same rendered messages the relay will send, read without claiming them
            List<OutboxMessage> rendered = tx.inTransaction(c -> {
                List<OutboxMessage> all = new OutboxStore().claimDue(c, n, new Timestamp(System.currentTimeMillis() + 60_000),
                        new CloudEventWriter());
                c.rollback();
                return all;
            });

            bare(sqs, url, rendered.subList(0, Math.min(rendered.size(), 5_000))); // warm-up: JIT, connections, emulator
            sqs.purgeQueue(b -> b.queueUrl(url));
            double bareFirst = bare(sqs, url, rendered);
            sqs.purgeQueue(b -> b.queueUrl(url));
            System.out.printf("bare SendMessageBatch loop (first): %d in %.2f s = %.0f msg/s%n", rendered.size(), bareFirst,
                    rendered.size() / bareFirst);

            List<String> relayLines = new ArrayList<>();
            List<double[]> relayRuns = new ArrayList<>(); // {concurrency, rows, published, failed, seconds}
            double bareAgain = Double.NaN;
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get(i);
                if (i > 0) resetOutbox(ds);
                sqs.purgeQueue(b -> b.queueUrl(url));
                Inlet inlet = inlet(ds, v.rowsPerClaim());
                RelayReport r;
                long t1 = System.nanoTime();
                try (SqsEventPublisher publisher = new SqsEventPublisher(sqs, null, Map.of("orders", url), null, v.concurrency())) {
                    r = inlet.relay(publisher, Deadline.none());
                }
                double relay = (System.nanoTime() - t1) / 1e9;
                relayRuns.add(new double[] {v.concurrency(), v.rowsPerClaim(), r.published(), r.failed(), relay});
                System.out.printf("relay concurrency %d, %d rows per claim: published %d failed %d in %.2f s = %.0f msg/s%n",
                        v.concurrency(), v.rowsPerClaim(), r.published(), r.failed(), relay, r.published() / relay);
                if (i == 0) {
                    sqs.purgeQueue(b -> b.queueUrl(url));
                    bareAgain = bare(sqs, url, rendered); // baseline again, warm: the better one counts
                    System.out.printf("bare SendMessageBatch loop (again): %d in %.2f s = %.0f msg/s%n", rendered.size(),
                            bareAgain, rendered.size() / bareAgain);
                }
            }
            sqs.purgeQueue(b -> b.queueUrl(url));
            double bare8 = bareConcurrent(sqs, url, rendered, 8);
            sqs.purgeQueue(b -> b.queueUrl(url));
            System.out.printf("bare SendMessageBatch, 8 calls in flight (reference): %d in %.2f s = %.0f msg/s%n",
                    rendered.size(), bare8, rendered.size() / bare8);

            double bareBest = Double.isNaN(bareAgain) ? bareFirst : Math.min(bareFirst, bareAgain);
            double bareRate = rendered.size() / bareBest;
            System.out.printf("%nsummary, %d messages; baseline = best sequential bare loop, %.2f s = %.0f msg/s%n",
                    rendered.size(), bareBest, bareRate);
            for (double[] run : relayRuns) {
                double rate = run[2] / run[4];
                System.out.printf("  relay concurrency %d, %d rows per claim: %.0f msg/s, relay/bare = %.2f (vs 8-in-flight bare: %.2f)%n",
                        (int) run[0], (int) run[1], rate, rate / bareRate, rate / (rendered.size() / bare8));
            }
        } finally {
            emulator.stop();
        }
        System.exit(0);
    }

    private static Inlet inlet(DataSource ds, int rowsPerClaim) {
        return Inlet.builder().dataSource(ds).feeds(FeedRegistry.parse("""
                version: 1
                messages:
                  - { name: none, channel: none, format: cloudevent, table: order_events }
                """, "relay-bench.yaml"))
                .relaySettings(new RelaySettings(rowsPerClaim, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofDays(7)))
                .build();
    }

    /** Makes every row due again, and vacuums so each run claims from a table of the same shape. */
    private static void resetOutbox(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("UPDATE inlet.outbox SET published_at = NULL, broker_message_id = NULL");
            st.execute("VACUUM ANALYZE inlet.outbox");
        }
    }
}
