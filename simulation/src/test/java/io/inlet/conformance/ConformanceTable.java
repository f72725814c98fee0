package io.inlet.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The expected verdict of every sample payload of both clouds, and the objects the bucket holds. */
final class ConformanceTable {

    static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    private ConformanceTable() {
    }

    /** The objects the notices name that exist; the others are gone (REJECTED) or match no feed. */
    static void seed(BucketDirectories objects) {
        String acme = "order_id,ordered_at\nA-1,2024-05-01T08:00:00Z\nA-2,2024-05-01T08:05:00Z\n";
        for (String key : List.of("acme/orders/2024-05-01.csv", "acme/orders/east coast 2024+05=01.csv",
                "acme/orders/2024-05-02.csv", "acme/orders/2024-05-03 final.csv", "acme/orders/2024-05-04 east+west%2B.csv")) {
            objects.put("inlet-vendor-drop", key, acme.replace("A-", "A" + key.hashCode() + "-"));
        }
        for (String key : List.of("globex/shipments/2024-05-03.csv", "globex/shipments/2024-05-04.csv")) {
            objects.put("inlet-vendor-drop", key, "shipment_id,sent_at\nS" + key.hashCode() + ",2024-05-03T06:00:00Z\n");
        }
        objects.put("test-fb-ks", "year=2020/month=05/test1.txt", "{\"id\":\"t-1\",\"at\":\"2020-05-01T00:00:00Z\"}\n");
        for (String key : List.of("orders/2026/01/orders 0001+eu.csv", "orders/2026/01/orders-0002.csv",
                "orders/2026/01/orders-0003.csv", "orders/2026/01/orders-0004.csv", "orders/2026/01/orders-0005.csv")) {
            objects.put("inlet-vendor-drop", key, "order_id,placed_at\nx-" + key.replaceAll("\\D", "") + ",2026-01-15T10:00:00Z\n");
        }
    }
}
