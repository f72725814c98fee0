package io.inlet.aws.bench;

import io.inlet.Inlet;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.event.CloudEventWriter;
import io.inlet.event.EventEnvelope;
import io.inlet.feed.DerivedRoute;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.Deadline;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.OutboxStore;
import io.inlet.outbox.RelayReport;
import io.inlet.outbox.RelaySettings;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Relay throughput against the physical path: N outbox rows published by the relay
 * ({@code Inlet.relay} with {@link SqsEventPublisher}: claim, render, SendMessageBatch by 10,
 * mark) versus a bare SendMessageBatch loop over the same rendered messages, both into ElasticMQ
 * in this JVM. Prints messages/s and the ratio. Usage: functions-aws/bench/relay.sh [messages]
 */
public final class RelayBench {

    /** The baseline: SendMessageBatch by 10 with the same bodies and attributes; returns seconds. */
    static double bare(SqsClient sqs, String url, List<OutboxMessage> rendered) {
        long t0 = System.nanoTime();
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
            sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
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
            double bareBefore = bare(sqs, url, rendered);
            sqs.purgeQueue(b -> b.queueUrl(url));
            double[] bareBest = {bareBefore};

            for (int batchSize : new int[] {100, 500}) {
                if (batchSize == 500) {
                    try (Connection c = ds.getConnection()) {
                        c.createStatement().execute("UPDATE inlet.outbox SET published_at = NULL, broker_message_id = NULL");
                    }
                    sqs.purgeQueue(b -> b.queueUrl(url));
                }
                Inlet inlet = Inlet.builder().dataSource(ds).feeds(FeedRegistry.parse("""
                        version: 1
                        messages:
                          - { name: none, channel: none, format: cloudevent, table: order_events }
                        """, "relay-bench.yaml"))
                        .relaySettings(new RelaySettings(batchSize, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofDays(7)))
                        .build();
                long t1 = System.nanoTime();
                RelayReport r = inlet.relay(new SqsEventPublisher(sqs, null, Map.of("orders", url), null), Deadline.none());
                double relay = (System.nanoTime() - t1) / 1e9;
                System.out.printf("relay batch %d: published %d failed %d in %.2f s = %.0f msg/s | bare SendMessageBatch loop: %d in %.2f s = %.0f msg/s | ratio relay/bare = %.2f%n",
                        batchSize, r.published(), r.failed(), relay, r.published() / relay, rendered.size(), bareBest[0],
                        rendered.size() / bareBest[0], (r.published() / relay) / (rendered.size() / bareBest[0]));
                if (batchSize == 100) {
                    sqs.purgeQueue(b -> b.queueUrl(url));
                    bareBest[0] = Math.min(bareBest[0], bare(sqs, url, rendered)); // baseline again, warm: the better one counts
                    sqs.purgeQueue(b -> b.queueUrl(url));
                }
            }
            System.out.printf("bare SendMessageBatch loop: %.2f s first, best %.2f s%n", bareBefore, bareBest[0]);
        } finally {
            emulator.stop();
        }
        System.exit(0);
    }
}
