package io.inlet.ingest;

import io.inlet.event.EventEnvelope;
import io.inlet.event.EventMapper;
import io.inlet.event.RecordContext;
import io.inlet.event.RecordRejectedException;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.parse.FileFormatException;
import io.inlet.parse.MalformedRecord;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.totals.ControlRecords;
import io.inlet.totals.ControlTotalsPass;
import io.inlet.totals.TotalsCheck;
import io.inlet.totals.Verification;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What ingesting an object would do, against what is stored, without writing: the feed's reader and
 * mapper (the ingest path's own) over the object, each event classified against the event table by
 * id (new: would append; same payload: duplicate; other payload: conflict, with the differing
 * top-level fields), repeats within the file as the store judges them, rejects with reasons, and
 * the ledger's word on this object version. Runs on a connection the caller has made read-only.
 *
 * <p>A feed that declares control totals is checked as the ingestion checks it: the same pass
 * ({@link ControlTotalsPass}) runs first, its header and trailer records are skipped (they are
 * never records, never events), and its checks are reported; a mismatch or a missing control
 * record means the file would be REJECTED, a missing sidecar that it would wait.
 */
public final class DryRun {

    /** A conflict: the record, the event id, the payload fields that differ from the stored event. */
    public record Conflict(long record, long line, UUID eventId, List<String> fields) {
    }

    /** A reject: the record, its line, the field at fault (or null), why. */
    public record Reject(long record, long line, String field, String reason) {
    }

    /**
     * The verdict. {@code ledger} is the stored status of this object version (null: never seen);
     * {@code unreadable} the reason the whole file would be rejected as unreadable (null: readable);
     * {@code totals} the control-total checks (empty when the feed declares none), {@code totalsProblem}
     * why the control totals would reject or hold the file (null: they match or none are declared).
     */
    public record Report(String feed, String table, ObjectRef object, String ledger, Long ledgerFileId, long records,
                         long wouldAppend, long duplicates, List<Conflict> conflicts, List<Reject> rejects,
                         boolean fileWouldBeRejected, String unreadable, List<String> firstEvents,
                         List<TotalsCheck> totals, String totalsProblem) {
    }

    /** The control records to skip, the checks made, and why the totals would stop the file (null: they would not). */
    private record Totals(ControlRecords controls, List<TotalsCheck> checks, String problem) {
        static final Totals NONE = new Totals(ControlRecords.NONE, List.of(), null);
    }

    private final FeedRegistry feeds;

    public DryRun(FeedRegistry feeds) {
        this.feeds = feeds;
    }

    public Report run(Connection c, ObjectRef ref, ObjectSource source, int limit) throws IOException, SQLException {
        Feed feed = feeds.matchObject(ref.bucket(), ref.key())
                .orElseThrow(() -> new NoFeedException("no feed matches " + ref.displayName()));
        String[] ledger = ledger(c, ref);
        EventMapper mapper = feeds.mapper(feed.name());
        String sourceName = ref.bucket().equals(LocalFileSource.BUCKET) ? "file:" + ref.key() : ref.displayName();
        RecordContext ctx = new RecordContext(feed.name(), ref, sourceName, "dry-run", "dry-run", Instant.now());
        List<Reject> rejects = new ArrayList<>();
        List<EventEnvelope> events = new ArrayList<>();
        List<long[]> positions = new ArrayList<>();
        long records = 0;
        String unreadable = null;
        Totals totals = Totals.NONE;
        try {
            totals = totals(feed, ref, source);
        } catch (FileFormatException e) {
            unreadable = e.getMessage();
        }
        if (unreadable == null) try (RecordReader reader = RecordReaders.open(feed.format(), ref.displayName(), from -> source.open(ref, from), ResumePoint.START)) {
            List<String> missing = reader.columns().isEmpty() ? List.of()
                    : mapper.mappedColumns().stream().filter(col -> !reader.columns().contains(col)).toList();
            if (!missing.isEmpty()) throw new FileFormatException("columns " + missing + " are mapped by feed '" + feed.name()
                    + "' but not in the file's header " + reader.columns());
            for (ReadItem item; (item = reader.next()) != null; ) {
                var pos = item.position();
                if (totals.controls().skips(pos.recordNumber())) continue;
                records++;
                if (item instanceof MalformedRecord m) {
                    rejects.add(new Reject(pos.recordNumber(), pos.lineNumber(), null, m.reason()));
                    continue;
                }
                try {
                    events.add(mapper.map((RawRecord) item, ctx));
                    positions.add(new long[] {pos.recordNumber(), pos.lineNumber()});
                } catch (RecordRejectedException e) {
                    rejects.add(new Reject(pos.recordNumber(), pos.lineNumber(), e.field(), e.getMessage()));
                }
            }
        } catch (FileFormatException e) {
            unreadable = e.getMessage();
        }
        List<Conflict> conflicts = new ArrayList<>();
        long append = 0, duplicates = 0;
        List<Stored> stored = stored(c, feed.table(), events);
        Map<UUID, String> earlier = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope e = events.get(i);
            Stored s = stored.get(i);
            String first = earlier.putIfAbsent(e.eventId(), e.payloadJson());
            if (s.exists()) {
                if (s.differing().isEmpty()) duplicates++;
                else conflicts.add(new Conflict(positions.get(i)[0], positions.get(i)[1], e.eventId(), s.differing()));
            } else if (first != null) {
                if (first.equals(e.payloadJson())) duplicates++;
                else conflicts.add(new Conflict(positions.get(i)[0], positions.get(i)[1], e.eventId(), List.of("(an earlier record of this file has the same id and another payload)")));
            } else {
                append++;
            }
        }
        boolean rejected = unreadable != null || totals.problem() != null || feed.errors().rejectsFile(records, rejects.size());
        List<String> firstEvents = events.stream().limit(limit).map(EventEnvelope::payloadJson).toList();
        return new Report(feed.name(), feed.table(), ref, ledger[0], ledger[1] == null ? null : Long.parseLong(ledger[1]), records,
                rejected ? 0 : append, duplicates, conflicts, rejects, rejected, unreadable, firstEvents, totals.checks(), totals.problem());
    }

    /** The control totals pass the ingestion runs first (no deadline: a dry run is not a function invocation). */
    private static Totals totals(Feed feed, ObjectRef ref, ObjectSource source) throws IOException {
        if (!feed.totals().declared()) return Totals.NONE;
        ControlTotalsPass.Result result = new ControlTotalsPass(feed, source, ref, io.inlet.failure.Deadline.none()).run();
        if (result instanceof ControlTotalsPass.SidecarMissing missing) {
            return new Totals(ControlRecords.NONE, List.of(), "control totals: sidecar " + missing.key()
                    + " is not there: the file would wait for it (up to " + feed.totals().sidecar().waitFor() + ") and load nothing yet");
        }
        Verification v = ((ControlTotalsPass.Checked) result).verification();
        return new Totals(v.controls(), v.checks(), v.matched() ? null : v.mismatchReport());
    }

    private record Stored(boolean exists, List<String> differing) {
    }

    /** Per event: whether its id is stored, and which top-level payload fields differ (by jsonb equality). */
    private static List<Stored> stored(Connection c, String table, List<EventEnvelope> events) throws SQLException {
        if (!table.matches("[a-z_][a-z0-9_]{0,62}")) throw new IllegalArgumentException("invalid event table name: " + table);
        List<Stored> out = new ArrayList<>(events.size());
        if (events.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.seq, e.event_id IS NOT NULL,
                       coalesce((SELECT array_agg(k ORDER BY k) FROM (
                                    SELECT jsonb_object_keys(CASE WHEN jsonb_typeof(i.payload) = 'object' THEN i.payload ELSE '{}' END) AS k
                                    UNION
                                    SELECT jsonb_object_keys(CASE WHEN jsonb_typeof(e.payload) = 'object' THEN e.payload ELSE '{}' END)) ks
                                 WHERE i.payload -> k IS DISTINCT FROM e.payload -> k),
                                CASE WHEN e.payload = i.payload THEN '{}'::text[] ELSE ARRAY['(payload)'] END)
                FROM unnest(?::uuid[], ?::jsonb[]) WITH ORDINALITY AS i(event_id, payload, seq)
                LEFT JOIN %s e ON e.event_id = i.event_id
                ORDER BY i.seq""".formatted(table))) {
            ps.setArray(1, c.createArrayOf("uuid", events.stream().map(EventEnvelope::eventId).toArray()));
            ps.setArray(2, c.createArrayOf("text", events.stream().map(EventEnvelope::payloadJson).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean exists = rs.getBoolean(2);
                    out.add(new Stored(exists, exists ? List.of((String[]) rs.getArray(3).getArray()) : List.of()));
                }
            }
        }
        return out;
    }

    /** The ledger's status and file id of this object version, or nulls. */
    private static String[] ledger(Connection c, ObjectRef ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status, file_id FROM ingested_files WHERE bucket = ? AND object_key = ? AND version_id = ? AND etag = ?")) {
            ps.setString(1, ref.bucket());
            ps.setString(2, ref.key());
            ps.setString(3, ref.version() == null ? "" : ref.version());
            ps.setString(4, ref.etag() == null ? "" : ref.etag());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), String.valueOf(rs.getLong(2))} : new String[] {null, null};
            }
        }
    }
}
