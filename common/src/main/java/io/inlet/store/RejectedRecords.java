package io.inlet.store;

import io.inlet.event.PostgresValues;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Writes {@code rejected_records} in the caller's transaction. Idempotent per (file, record) and
 * (message, record): a rerun of the same file never doubles a rejection. The field, reason and raw
 * text are stored through {@link PostgresValues#storable}: a NUL or an unpaired surrogate in them
 * (often the very reason of the rejection) is written as a visible escape such as {@code \u0000}.
 */
public final class RejectedRecords {

    public void forFile(Connection c, long fileId, String feed, List<Rejection> rejections) throws SQLException {
        insert(c, fileId, null, null, feed, rejections, """
                INSERT INTO rejected_records (file_id, channel, message_id, feed, record_number, line_number, kind, field,
                                              reason, raw_text, event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (file_id, record_number) WHERE file_id IS NOT NULL DO NOTHING""");
    }

    public void forMessage(Connection c, String channel, String messageId, String feed, List<Rejection> rejections)
            throws SQLException {
        insert(c, null, channel, messageId, feed, rejections, """
                INSERT INTO rejected_records (file_id, channel, message_id, feed, record_number, line_number, kind, field,
                                              reason, raw_text, event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (channel, message_id, record_number) WHERE message_id IS NOT NULL DO NOTHING""");
    }

    private static void insert(Connection c, Long fileId, String channel, String messageId, String feed,
                               List<Rejection> rejections, String sql) throws SQLException {
        if (rejections.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Rejection r : rejections) {
                int p = 1;
                if (fileId == null) ps.setNull(p++, Types.BIGINT); else ps.setLong(p++, fileId);
                ps.setString(p++, channel);
                ps.setString(p++, messageId);
                ps.setString(p++, feed);
                ps.setLong(p++, r.recordNumber());
                if (r.lineNumber() == null) ps.setNull(p++, Types.BIGINT); else ps.setLong(p++, r.lineNumber());
                ps.setString(p++, r.kind().name());
                ps.setString(p++, PostgresValues.storable(r.field()));
                ps.setString(p++, PostgresValues.storable(r.reason()));
                ps.setString(p++, PostgresValues.storable(r.rawText()));
                ps.setObject(p, r.eventId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
