package io.inlet.bench;

import io.inlet.event.EventIds;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.csv.CSVRecord;

/**
 * One orders-CSV record rendered by hand as an event row, the way a hand-written loader would:
 * the same event id, stream, version, type and payload the {@code orders} feed of {@link IngestBench}
 * gives it, so every variant must store the same rows.
 */
record OrderEventRow(UUID eventId, String streamId, long streamVersion, String eventType, Instant occurredAt,
                     String source, String payloadJson) {

    static final String EVENT_TYPE = "OrderPlaced";

    /** Renders records in file order; numbers stream versions as a single writer does. */
    static final class Renderer {
        private final String feed;
        private final String sourceName;
        private final Map<String, Long> heads = new HashMap<>();

        Renderer(String feed, String sourceName) {
            this.feed = feed;
            this.sourceName = sourceName;
        }

        OrderEventRow render(CSVRecord r, long recordNumber) {
            String stream = "customer-" + r.get("customer");
            StringBuilder json = new StringBuilder(160 + r.get("note").length());
            json.append("{\"order_id\":");
            string(json, r.get("order_id")).append(",\"customer\":");
            string(json, r.get("customer")).append(",\"amount\":").append(r.get("amount")).append(",\"currency\":");
            string(json, r.get("currency")).append(",\"ordered_at\":");
            string(json, r.get("ordered_at")).append(",\"status\":");
            string(json, r.get("status")).append(",\"note\":");
            string(json, r.get("note")).append('}');
            return new OrderEventRow(EventIds.of(EventIds.columnName(feed, r.get("order_id"))), stream,
                    heads.merge(stream, 1L, Long::sum), EVENT_TYPE, Instant.parse(r.get("ordered_at")),
                    sourceName + "@record=" + recordNumber, json.toString());
        }

        private static StringBuilder string(StringBuilder json, String s) {
            json.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') json.append('\\').append(c);
                else if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
                else json.append(c);
            }
            return json.append('"');
        }
    }
}
