package io.inlet.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.EventEnvelope;
import io.inlet.event.EventMapper;
import io.inlet.event.RecordContext;
import io.inlet.event.RecordRejectedException;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.parse.MalformedRecord;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RecordPosition;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import io.inlet.parse.StreamOpener;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.store.AppendOutcome;
import io.inlet.store.EventOutcome;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Loads corrected records of a file's rejects as if they had been good in the original file: each
 * corrected record names the original record it corrects in the {@value #RECORD_FIELD} column (or
 * JSON field), is mapped with the original file's identity, record number and line (so the
 * {@code position} id strategy gives the id the record would have had) and appended through the
 * same {@link EventStore} (outbox rows included). One transaction: the events, the resolved marks on
 * the rejects, and the audit row in {@code reject_replays}. A second run appends nothing (the
 * events are stored: ALREADY_STORED) and resolves nothing new.
 */
public final class RejectReplay {

    /** The column (CSV) or field (JSON) of a corrected record that names the original record number. */
    public static final String RECORD_FIELD = "_record";

    private final FeedRegistry feeds;
    private final Transactions tx;
    private final EventStore store;

    public RejectReplay(FeedRegistry feeds, Transactions tx) {
        this.feeds = feeds;
        this.store = new EventStore(feeds.projections());
        this.tx = tx;
    }

    /** One replay: the file, the corrected records, who and why. */
    public record Request(long fileId, String correctedName, StreamOpener corrected, String actor, String reason) {
    }

    /** What became of one corrected record. */
    public enum Outcome { APPENDED, ALREADY_STORED, CONFLICT, STILL_INVALID }

    /** One corrected record's result; {@code detail} says why for CONFLICT and STILL_INVALID. */
    public record Row(long record, Long line, Outcome outcome, String detail, UUID eventId) {
    }

    /** The replay: its audit id, the file, and a row per corrected record in file order. */
    public record Report(long replayId, long fileId, String feed, List<Row> rows, long resolved) {
        public long count(Outcome o) {
            return rows.stream().filter(r -> r.outcome() == o).count();
        }
    }

    /** The replay cannot run as asked (unknown file, a corrected record naming no reject of it): nothing changed. */
    public static final class RefusedException extends IllegalArgumentException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private record StoredFile(long fileId, String feed, ObjectRef ref, String status, String correlationId, Instant createdAt) {
    }

    private record Reject(long record, Long line, boolean resolved) {
    }

    public Report replay(Request request) throws IOException {
        StoredFile file = tx.inTransaction(c -> file(c, request.fileId()));
        if (!file.status().equals("COMPLETED")) {
            throw new RefusedException("file " + file.fileId() + " is " + file.status() + ", not COMPLETED: its good records were "
                    + "never loaded either, so replaying only the corrected ones would not be the file; fix the feed and reprocess it");
        }
        Feed feed = feeds.feed(file.feed()).orElseThrow(() -> new RefusedException("file " + file.fileId() + " belongs to feed '"
                + file.feed() + "', which the feeds file does not define"));
        Map<Long, Reject> rejects = tx.inTransaction(c -> rejects(c, file.fileId()));
        EventMapper mapper = feeds.mapper(feed.name());
        String sourceName = file.ref().bucket().equals(LocalFileSource.BUCKET) ? "file:" + file.ref().key()
                : file.ref().bucket() + "/" + file.ref().key() + (file.ref().version() == null ? "" : "#" + file.ref().version());
        RecordContext ctx = new RecordContext(feed.name(), file.ref(), sourceName, file.correlationId(), "file-" + file.fileId(),
                file.createdAt());

        Hashing opener = new Hashing(request.corrected());
        List<Row> rows = new ArrayList<>();
        List<EventEnvelope> events = new ArrayList<>();
        List<Integer> eventRows = new ArrayList<>();
        Map<Long, Long> seen = new HashMap<>();
        try (RecordReader reader = RecordReaders.open(feed.format(), request.correctedName(), opener, ResumePoint.START)) {
            if (!reader.columns().isEmpty() && !reader.columns().contains(RECORD_FIELD)) {
                throw new RefusedException(request.correctedName() + ": no '" + RECORD_FIELD + "' column naming the original record "
                        + "each row corrects (columns: " + reader.columns() + ")");
            }
            for (ReadItem item; (item = reader.next()) != null; ) {
                long at = item.position().lineNumber();
                if (item instanceof MalformedRecord m) {
                    throw new RefusedException(request.correctedName() + " line " + at + ": malformed: " + m.reason()
                            + " (nothing replayed)");
                }
                RawRecord raw = (RawRecord) item;
                long original = originalRecord(request.correctedName(), at, raw.fields());
                Reject reject = rejects.get(original);
                if (reject == null) {
                    throw new RefusedException(request.correctedName() + " line " + at + ": " + RECORD_FIELD + " " + original
                            + " is not a rejected record of file " + file.fileId() + " (nothing replayed)");
                }
                Long earlier = seen.putIfAbsent(original, at);
                if (earlier != null) {
                    throw new RefusedException(request.correctedName() + " line " + at + ": record " + original
                            + " is corrected twice (also on line " + earlier + "; nothing replayed)");
                }
                ObjectNode fields = raw.fields().deepCopy();
                fields.remove(RECORD_FIELD);
                RecordPosition pos = new RecordPosition(original, reject.line() == null ? 0 : reject.line(), 0, 0);
                try {
                    EventEnvelope e = mapper.map(new RawRecord(pos, fields, raw.rawText()), ctx);
                    eventRows.add(rows.size());
                    events.add(e);
                    rows.add(new Row(original, reject.line(), null, null, e.eventId()));
                } catch (RecordRejectedException e) {
                    rows.add(new Row(original, reject.line(), Outcome.STILL_INVALID,
                            (e.field() == null ? "" : "field " + e.field() + ": ") + e.getMessage(), null));
                }
            }
        }
        String sha = opener.hex();
        return tx.inTransaction(c -> {
            // the file read COMPLETED above; a reprocess may have reopened it since (deleting its rejects):
            // checked again under a share lock, which a reopen (FOR UPDATE) waits for
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM ingested_files WHERE file_id = ? FOR SHARE")) {
                ps.setLong(1, file.fileId());
                try (ResultSet rs = ps.executeQuery()) {
                    String now = rs.next() ? rs.getString(1) : "gone";
                    if (!now.equals("COMPLETED")) {
                        throw new RefusedException("file " + file.fileId() + " is " + now + " now (reopened for a reprocess while "
                                + "the corrected records were read): nothing replayed; replay again once it is COMPLETED");
                    }
                }
            }
            AppendOutcome outcome = store.append(c, feed.table(), events, feed.derived());
            List<Long> resolvable = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                int at = eventRows.get(i);
                Row r = rows.get(at);
                EventOutcome o = outcome.outcomes().get(i);
                Outcome result = switch (o) {
                    case APPENDED -> Outcome.APPENDED;
                    case DUPLICATE -> Outcome.ALREADY_STORED;
                    default -> Outcome.CONFLICT;
                };
                String detail = result == Outcome.CONFLICT ? "event " + r.eventId() + " already exists with a different payload" : null;
                rows.set(at, new Row(r.record(), r.line(), result, detail, r.eventId()));
                if (result != Outcome.CONFLICT && !rejects.get(r.record()).resolved()) resolvable.add(r.record());
            }
            Report draft = new Report(0, file.fileId(), feed.name(), rows, resolvable.size());
            long replayId = audit(c, request, file, sha, draft);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE rejected_records SET resolved_at = now(), resolved_by_replay = ?
                    WHERE file_id = ? AND record_number = ANY (?) AND resolved_at IS NULL""")) {
                ps.setLong(1, replayId);
                ps.setLong(2, file.fileId());
                ps.setArray(3, c.createArrayOf("bigint", resolvable.toArray()));
                ps.executeUpdate();
            }
            return new Report(replayId, file.fileId(), feed.name(), rows, resolvable.size());
        });
    }

    private static long originalRecord(String name, long line, ObjectNode fields) {
        JsonNode v = fields.get(RECORD_FIELD);
        String text = v == null || v.isNull() ? "" : v.asText().trim();
        try {
            long n = Long.parseLong(text);
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new RefusedException(name + " line " + line + ": " + RECORD_FIELD + " must be the original record number "
                + "(a whole number from 1, as `inlet rejects` shows it), was '" + text + "' (nothing replayed)");
    }

    private static long audit(Connection c, Request request, StoredFile file, String sha, Report r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO reject_replays (file_id, feed, corrected_name, corrected_sha256, actor, reason, rows_read, appended,
                                            already_stored, conflict, still_invalid, resolved)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING replay_id""")) {
            int p = 1;
            ps.setLong(p++, file.fileId());
            ps.setString(p++, file.feed());
            ps.setString(p++, request.correctedName());
            ps.setString(p++, sha);
            ps.setString(p++, request.actor());
            ps.setString(p++, request.reason());
            ps.setLong(p++, r.rows().size());
            ps.setLong(p++, r.count(Outcome.APPENDED));
            ps.setLong(p++, r.count(Outcome.ALREADY_STORED));
            ps.setLong(p++, r.count(Outcome.CONFLICT));
            ps.setLong(p++, r.count(Outcome.STILL_INVALID));
            ps.setLong(p, r.resolved());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static StoredFile file(Connection c, long fileId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT file_id, feed, bucket, object_key, version_id, etag, size_bytes, status, correlation_id, created_at
                FROM ingested_files WHERE file_id = ?""")) {
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new RefusedException("no file " + fileId + " in the ledger");
                long size = rs.getLong(7);
                ObjectRef ref = new ObjectRef(rs.getString(3), rs.getString(4), emptyToNull(rs.getString(5)),
                        emptyToNull(rs.getString(6)), rs.wasNull() ? null : size);
                return new StoredFile(rs.getLong(1), rs.getString(2), ref, rs.getString(8), rs.getString(9),
                        rs.getTimestamp(10).toInstant());
            }
        }
    }

    private static Map<Long, Reject> rejects(Connection c, long fileId) throws SQLException {
        Map<Long, Reject> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT record_number, line_number, resolved_at IS NOT NULL FROM rejected_records WHERE file_id = ? ORDER BY record_number")) {
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long line = rs.getLong(2);
                    out.put(rs.getLong(1), new Reject(rs.getLong(1), rs.wasNull() ? null : line, rs.getBoolean(3)));
                }
            }
        }
        return out;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Opens the corrected records, hashing the bytes of the whole read (the audit's corrected_sha256). */
    private static final class Hashing implements StreamOpener {
        private final StreamOpener delegate;
        private MessageDigest digest;

        Hashing(StreamOpener delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream open(long fromByte) throws IOException {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return new DigestInputStream(delegate.open(fromByte), digest);
        }

        String hex() {
            return digest == null ? "" : HexFormat.of().formatHex(digest.digest());
        }
    }
}
