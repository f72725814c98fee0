package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic order-event workload: {@code rows} events over {@code streams} orders, each order
 * walking through its life cycle (placed, paid, packed, shipped, delivered, ...), payloads of about
 * 200 bytes of JSON, cut into batches as a file ingestion would cut them.
 */
record OrderEvents(int rows, int batchSize, int streams, long seed) {

    private static final String[] LIFE_CYCLE = {"OrderPlaced", "OrderPaid", "OrderPacked", "OrderShipped",
            "OrderDelivered", "OrderReturnRequested", "OrderRefunded"};
    private static final String[] WAREHOUSES = {"DE-BER-2", "NL-AMS-1", "FR-PAR-3", "PL-WAW-1"};
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    /** The events, in batches; the same settings always give the same events. */
    List<List<EventEnvelope>> batches() {
        Random random = new Random(seed);
        Map<String, Integer> seen = new HashMap<>();
        List<List<EventEnvelope>> batches = new ArrayList<>();
        List<EventEnvelope> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < rows; i++) {
            int order = random.nextInt(streams);
            String stream = "order-%07d".formatted(order);
            int step = seen.merge(stream, 1, Integer::sum) - 1;
            String type = LIFE_CYCLE[step % LIFE_CYCLE.length];
            int file = i / batchSize;
            String payload = ("{\"orderId\":\"%s\",\"customerId\":\"cust-%06d\",\"sku\":\"SKU-%05d\",\"quantity\":%d,"
                    + "\"unitPrice\":\"%d.%02d\",\"currency\":\"EUR\",\"warehouse\":\"%s\",\"step\":%d,"
                    + "\"channel\":\"web\",\"note\":\"gift wrap: %s\"}").formatted(stream, order % 250_000,
                    random.nextInt(100_000), 1 + random.nextInt(5), 1 + random.nextInt(300), random.nextInt(100),
                    WAREHOUSES[order % WAREHOUSES.length], step, random.nextBoolean() ? "yes" : "no");
            batch.add(new EventEnvelope(
                    UUID.nameUUIDFromBytes(("bench/order-events/" + i).getBytes(StandardCharsets.UTF_8)),
                    stream, type, 1, START.plusSeconds(i * 7L), "file-" + file, "file-" + file,
                    "s3://vendor-orders/2026/11/orders-%05d.csv#1@record=%d".formatted(file, i % batchSize + 1),
                    payload));
            if (batch.size() == batchSize) {
                batches.add(batch);
                batch = new ArrayList<>(batchSize);
            }
        }
        if (!batch.isEmpty()) batches.add(batch);
        return batches;
    }
}
