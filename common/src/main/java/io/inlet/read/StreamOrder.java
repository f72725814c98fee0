package io.inlet.read;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a batch in (tx, position) order into deliveries in each stream's version order.
 *
 * <p>(tx, position) follows a stream's versions except when a transaction took its id before another
 * appended the stream's previous version: its later version then sorts first. So at each event
 * {@code e}, the run of its stream's previous (admitted) versions that sort after {@code e} is
 * delivered first, oldest first, and remembered as delivered early; the reader passes over them
 * when it reaches them. Each such predecessor committed before {@code e}'s transaction wrote
 * {@code e}, so it is visible. A walk back stops at the first predecessor that sorts before
 * {@code e}: that one, and everything before it, was handled at its own turn.
 */
final class StreamOrder {

    /** One step of the read order: the event the reader reached, and what to deliver for it (empty: passed over). */
    record Group(ReadEvent at, List<ReadEvent> deliver, List<ReadEvent> early) {
    }

    /** An event already delivered ahead of its turn. */
    record Key(String table, UUID eventId) {
    }

    private final Subscription subscription;

    StreamOrder(Subscription subscription) {
        this.subscription = subscription;
    }

    List<Group> arrange(Connection c, List<ReadEvent> batch, Set<Key> deliveredEarly) throws SQLException {
        Map<Integer, Checkpoint> previous = previousVersions(c, batch);
        Set<Key> early = new HashSet<>(deliveredEarly);
        List<Group> groups = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ReadEvent e = batch.get(i);
            Key key = new Key(e.table(), e.eventId());
            if (early.contains(key) || !subscription.admits(e)) {
                groups.add(new Group(e, List.of(), List.of()));
                continue;
            }
            Checkpoint before = previous.get(i);
            List<ReadEvent> chain = before != null && e.checkpoint().isBefore(before) ? chain(c, e) : List.of();
            List<ReadEvent> deliver = new ArrayList<>(chain.size() + 1);
            for (ReadEvent p : chain) {
                if (early.add(new Key(p.table(), p.eventId()))) deliver.add(p);
            }
            deliver.add(e);
            groups.add(new Group(e, deliver, deliver.subList(0, deliver.size() - 1)));
        }
        return groups;
    }

    /** Per batch index, the checkpoint of the stream's previous admitted version (absent: none). One statement per table. */
    private Map<Integer, Checkpoint> previousVersions(Connection c, List<ReadEvent> batch) throws SQLException {
        Map<String, List<Integer>> byTable = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) byTable.computeIfAbsent(batch.get(i).table(), t -> new ArrayList<>()).add(i);
        Map<Integer, Checkpoint> out = new HashMap<>();
        for (var entry : byTable.entrySet()) {
            List<Integer> idx = entry.getValue();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT b.ord, p.tx::text, p.position
                    FROM unnest(?::int[], ?::text[], ?::bigint[]) AS b(ord, stream_id, version)
                    JOIN LATERAL (SELECT p.tx, p.position FROM "%s" p
                                  WHERE p.stream_id = b.stream_id AND p.stream_version < b.version AND %s
                                  ORDER BY p.stream_version DESC LIMIT 1) p ON true""".formatted(entry.getKey(), Subscriptions.filter("p")))) {
                ps.setArray(1, c.createArrayOf("integer", idx.toArray()));
                ps.setArray(2, c.createArrayOf("text", idx.stream().map(i -> batch.get(i).streamId()).toArray()));
                ps.setArray(3, c.createArrayOf("bigint", idx.stream().map(i -> batch.get(i).streamVersion()).toArray()));
                Subscriptions.bindFilter(c, ps, 4, subscription);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getInt(1), new Checkpoint(Long.parseLong(rs.getString(2)), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    /** The run of {@code e}'s previous admitted versions that sort after it, oldest first. */
    private List<ReadEvent> chain(Connection c, ReadEvent e) throws SQLException {
        List<ReadEvent> chain = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT '%1$s' AS event_table, p.tx::text AS tx, p.position, p.event_id, p.stream_id, p.stream_version, p.event_type,
                       p.schema_version, p.occurred_at, p.recorded_at, p.correlation_id, p.causation_id, p.source,
                       p.payload::text AS payload
                FROM "%1$s" p WHERE p.stream_id = ? AND p.stream_version < ? AND %2$s
                ORDER BY p.stream_version DESC""".formatted(e.table(), Subscriptions.filter("p")))) {
            ps.setFetchSize(64);
            ps.setString(1, e.streamId());
            ps.setLong(2, e.streamVersion());
            Subscriptions.bindFilter(c, ps, 3, subscription);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Checkpoint at = new Checkpoint(Long.parseLong(rs.getString("tx")), rs.getLong("position"));
                    if (at.isBefore(e.checkpoint())) break;
                    chain.add(EventReader.event(rs, at));
                }
            }
        }
        Collections.reverse(chain);
        return chain;
    }
}
