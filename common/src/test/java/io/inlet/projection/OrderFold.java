package io.inlet.projection;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The test's model of the order projections: a fold over the stored events written out by hand
 * (not through the projection code), and the same rows read from a projection table, each as one
 * comparable line per stream.
 */
final class OrderFold {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: jsonl }
                mapping:
                  event_type: { column: type }
                  stream_id: "{order}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: order_events
                shared_streams: true
                batch_size: 4
            messages:
              - name: order-messages
                channel: orders
                mapping:
                  event_type: { column: type }
                  stream_id: "{order}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: order_events
                shared_streams: true
            projections:
              - name: orders_current
                events: order_events
                mode: inline
                columns: { status: text, amount: numeric, placed_at: timestamptz, items: bigint }
                on:
                  OrderPlaced: { status: { value: placed }, amount: { field: amount }, placed_at: { event: occurred_at } }
                  OrderShipped: { status: { value: shipped } }
                  ItemAdded: { items: { field: qty, op: add } }
              - name: orders_async
                events: order_events
                mode: async
                columns: { status: text, amount: numeric, placed_at: timestamptz, items: bigint }
                on:
                  OrderPlaced: { status: { value: placed }, amount: { field: amount }, placed_at: { event: occurred_at } }
                  OrderShipped: { status: { value: shipped } }
                  ItemAdded: { items: { field: qty, op: add } }
            """;

    private OrderFold() {
    }

    /** stream -> "version|status|amount|placed_at|items", folded from order_events in version order. */
    static Map<String, String> expected(DataSource ds) throws SQLException {
        Map<String, Row> rows = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_id, stream_version, event_type, occurred_at, payload->>'amount', payload->>'qty' "
                     + "FROM order_events ORDER BY stream_id, stream_version")) {
            while (rs.next()) {
                String stream = rs.getString(1);
                String type = rs.getString(3);
                if (!type.equals("OrderPlaced") && !type.equals("OrderShipped") && !type.equals("ItemAdded")) continue;
                Row r = rows.get(stream);
                boolean created = r == null;
                if (created) rows.put(stream, r = new Row());
                r.version = rs.getLong(2);
                switch (type) {
                    case "OrderPlaced" -> {
                        r.status = "placed";
                        r.amount = rs.getString(5) == null ? null : new BigDecimal(rs.getString(5));
                        r.placedAt = rs.getTimestamp(4).toInstant().toString();
                    }
                    case "OrderShipped" -> r.status = "shipped";
                    default -> {
                        Long qty = rs.getString(6) == null ? null : Long.parseLong(rs.getString(6));
                        r.items = created ? qty : (r.items == null ? 0 : r.items) + (qty == null ? 0 : qty);
                    }
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        rows.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    /** The rows of a projection table in the same form. */
    static Map<String, String> actual(DataSource ds, String table) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_id, stream_version, status, amount, placed_at, items FROM " + table)) {
            while (rs.next()) {
                Row r = new Row();
                r.version = rs.getLong(2);
                r.status = rs.getString(3);
                r.amount = rs.getBigDecimal(4);
                r.placedAt = rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant().toString();
                r.items = rs.getObject(6) == null ? null : rs.getLong(6);
                out.put(rs.getString(1), r.toString());
            }
        }
        return out;
    }

    private static final class Row {
        long version;
        String status;
        BigDecimal amount;
        String placedAt;
        Long items;

        @Override
        public String toString() {
            return version + "|" + status + "|" + (amount == null ? null : amount.stripTrailingZeros().toPlainString()) + "|" + placedAt + "|" + items;
        }
    }
}
