package io.inlet.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.event.EventIds;
import io.inlet.fuzz.FieldRendering.Expect;
import io.inlet.fuzz.FieldRendering.Rendered;
import io.inlet.fuzz.FieldRendering.Verdict;
import io.inlet.fuzz.WholePathRig.Reject;
import io.inlet.fuzz.WholePathRig.Result;
import io.inlet.fuzz.WholePathRig.StoredEvent;
import io.inlet.ingest.FileOutcome;
import io.inlet.source.ObjectRef;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The promise, checked against what PostgreSQL holds after one file: the file ends COMPLETED or
 * REJECTED (never IN_PROGRESS) and no exception escapes; the ledger's counts balance and match the
 * rows; and, where the records are known, each record is exactly one event or one rejected record,
 * an event stores each value as written, and a record without a hostile value is never rejected.
 */
final class PromiseCheck {

    private PromiseCheck() {
    }

    /** What holds for any bytes. */
    static List<Violation> file(Result r) {
        List<Violation> out = new ArrayList<>();
        if (r.thrown() != null) {
            out.add(new Violation("exception escaped: " + signature(r.thrown()), "file left "
                    + (r.ledger() == null ? "without a ledger row" : r.ledger().status()) + "; " + describe(r.thrown())));
            return out; // the ledger row left behind is the same defect
        }
        if (r.ledger() == null) {
            out.add(new Violation("no ledger row", "report " + r.report()));
            return out;
        }
        FileOutcome outcome = r.report().outcome();
        if (outcome != FileOutcome.COMPLETED && outcome != FileOutcome.REJECTED) {
            out.add(new Violation("file ended " + outcome, "report " + r.report()));
        }
        if (!r.ledger().status().equals("COMPLETED") && !r.ledger().status().equals("REJECTED")) {
            out.add(new Violation("ledger status " + r.ledger().status(), "ledger " + r.ledger()));
        }
        if (!r.ledger().balanced()) out.add(new Violation("ledger counts unbalanced", "ledger " + r.ledger()));
        if (r.rejects().size() != r.ledger().rejected() + r.ledger().conflict()) {
            out.add(new Violation("rejected rows differ from the ledger's rejected + conflict",
                    r.rejects().size() + " rows, ledger " + r.ledger()));
        }
        if (r.events().size() != r.ledger().appended()) {
            out.add(new Violation("events in the table differ from the ledger's appended",
                    r.events().size() + " events, ledger " + r.ledger()));
        }
        if (r.outboxRows() != r.events().size()) {
            out.add(new Violation("outbox rows differ from appended events", r.outboxRows() + " rows, " + r.events().size() + " events"));
        }
        if (r.ledger().status().equals("REJECTED") && blank(r.ledger().firstError())) {
            out.add(new Violation("REJECTED file without a reason", "ledger " + r.ledger()));
        }
        if (r.ledger().status().equals("COMPLETED") && r.ledger().rejected() + r.ledger().conflict() > 0
                && blank(r.ledger().firstError())) {
            out.add(new Violation("COMPLETED file with rejects but no first error", "ledger " + r.ledger()));
        }
        if (outcome == FileOutcome.COMPLETED && r.report().counts().rejected() + r.report().counts().conflict() > 0
                && blank(r.report().firstError())) {
            out.add(new Violation("COMPLETED report with rejects carries no first error", "report counts " + r.report().counts()));
        }
        for (Reject j : r.rejects().values()) {
            if (blank(j.reason())) out.add(new Violation("rejected record without a reason", j.toString()));
            if (j.kind().equals("INVALID") && blank(j.field())) out.add(new Violation("INVALID rejection names no field", j.toString()));
        }
        return out;
    }

    /** What holds for a file whose records are known. */
    static List<Violation> records(FuzzFile file, String feed, ObjectRef ref, Result r) {
        List<Violation> out = file(r);
        if (r.thrown() != null || r.ledger() == null) return out;
        String format = file.fuzzCase().format().name();
        int n = file.records().size();
        if (r.ledger().status().equals("REJECTED")) {
            if (!r.events().isEmpty()) {
                out.add(new Violation("REJECTED file kept appended events (" + format + ")",
                        r.events().size() + " events of " + n + " records; " + r.ledger()));
            }
            if (file.records().stream().allMatch(PromiseCheck::clean)) {
                out.add(new Violation("a file of clean records REJECTED (" + format + ")", "ledger " + r.ledger()));
            }
            return out;
        }
        if (r.ledger().read() != n) {
            out.add(new Violation("records read differ from records written (" + format + ")",
                    n + " written, ledger " + r.ledger() + ", rejects " + r.rejects().values()));
        }
        Set<UUID> claimed = new HashSet<>();
        for (int i = 0; i < n; i++) {
            long recordNumber = i + 1;
            List<Rendered> fields = file.records().get(i);
            UUID id = expectedId(file.fuzzCase().idKind(), feed, ref, recordNumber, fields);
            Reject rejected = r.rejects().get(recordNumber);
            StoredEvent event = r.events().get(id);
            if (rejected != null) {
                if (!clean(fields)) continue;
                if (rejected.kind().equals("CONFLICT")) {
                    if (event == null || differences(event, fields).isEmpty()) {
                        out.add(new Violation("a record rejected as CONFLICT without a different event (" + format + ")",
                                "record " + recordNumber + ": " + rejected));
                    }
                    continue;
                }
                out.add(new Violation("a clean record rejected (" + format + ", field " + rejected.field() + ": "
                        + shape(rejected.reason()) + ")", "record " + recordNumber + " " + values(fields) + ": " + rejected));
                continue;
            }
            if (event == null) {
                out.add(new Violation("a record is neither an event nor a rejected record (" + format + ")",
                        "record " + recordNumber + " " + values(fields)));
                continue;
            }
            claimed.add(id);
            for (Rendered f : fields) {
                if (f.expect().verdict() == Verdict.INVALID) {
                    out.add(new Violation("a value PostgreSQL cannot hold or that is wrong was accepted: " + f.field() + " "
                            + f.hostile() + " (" + format + ")", "record " + recordNumber + " written " + show(f.text())
                            + ", stored " + show(stored(event, f.field()))));
                }
            }
            for (String d : differences(event, fields)) {
                out.add(new Violation("a stored value differs from the input: " + d.substring(0, d.indexOf(':')) + " (" + format + ")",
                        "record " + recordNumber + " " + d));
            }
        }
        for (UUID stored : r.events().keySet()) {
            if (!claimed.contains(stored)) out.add(new Violation("an event no record accounts for", stored.toString()));
        }
        return out;
    }

    /** Every field is valid as written: the record must become an event (or a conflict of its id). */
    static boolean clean(List<Rendered> fields) {
        return fields.stream().allMatch(f -> f.expect().verdict() == Verdict.VALID);
    }

    static UUID expectedId(FuzzFeeds.IdKind kind, String feed, ObjectRef ref, long recordNumber, List<Rendered> fields) {
        String id = fields.get(Field.ID.ordinal()).text();
        return switch (kind) {
            case COLUMN -> EventIds.of(EventIds.columnName(feed, id));
            case HASH -> EventIds.of(EventIds.hashName(feed, List.of(id, fields.get(Field.STREAM.ordinal()).text())));
            case POSITION -> EventIds.of(EventIds.objectPositionName(ref, recordNumber));
        };
    }

    /** Each field whose stored value is not the written one, as "FIELD class: expected ... stored ...". */
    static List<String> differences(StoredEvent e, List<Rendered> fields) {
        List<String> out = new ArrayList<>();
        for (Rendered f : fields) {
            Expect x = f.expect();
            if (x.verdict() == Verdict.INVALID || x.verdict() == Verdict.UNCHECKED) continue;
            JsonNode p = e.payload().get(f.field().column);
            String problem = switch (f.field()) {
                case TYPE -> textDiff(x, e.eventType(), "event_type", textDiff(x, p));
                case STREAM -> textDiff(x, e.streamId(), "stream_id", textDiff(x, p));
                case ID, NOTE -> textDiff(x, p);
                case AT -> !Objects.equals(x.value(), e.occurredAt()) ? "occurred_at " + e.occurredAt() : rawDiff(f, p);
                case AMOUNT, QTY -> numberDiff(x, p);
                case SEEN -> instantDiff(x, p);
                case PAID -> x.value() == null ? (p == null || p.isNull() ? null : "payload " + p)
                        : p != null && p.isBoolean() && p.booleanValue() == (Boolean) x.value() ? null : "payload " + p;
                case DUE -> dateDiff(x, p);
            };
            if (problem != null) {
                out.add(f.field() + " " + f.hostile() + (f.jsonNumber() ? " as JSON number" : "") + ": written "
                        + show(f.text()) + ", expected " + show(String.valueOf(x.value())) + ", stored " + show(problem));
            }
        }
        return out;
    }

    /** What the event holds for a field: the column for type, stream and occurred_at, else the payload's value. */
    static String stored(StoredEvent e, Field field) {
        return switch (field) {
            case TYPE -> e.eventType();
            case STREAM -> e.streamId();
            case AT -> e.occurredAt().toString();
            default -> String.valueOf(e.payload().get(field.column));
        };
    }

    private static String textDiff(Expect x, String stored, String column, String payloadDiff) {
        if (!Objects.equals(x.value(), stored)) return column + " " + stored;
        return payloadDiff;
    }

    private static String textDiff(Expect x, JsonNode p) {
        if ("".equals(x.value()) && (p == null || p.isNull())) return null; // an empty cell may read as no value
        if (p == null || !p.isTextual() || !p.textValue().equals(x.value())) return "payload " + p;
        return null;
    }

    /** An untyped column keeps its JSON type: the raw copy in the payload must be what was written. */
    private static String rawDiff(Rendered f, JsonNode p) {
        if (p == null) return "payload missing";
        if (f.jsonNumber()) return p.isNumber() && p.decimalValue().compareTo(new BigDecimal(f.text())) == 0 ? null : "payload " + p;
        return p.isTextual() && p.textValue().equals(f.text()) ? null : "payload " + p;
    }

    private static String numberDiff(Expect x, JsonNode p) {
        if (x.value() == null) return p == null || p.isNull() ? null : "payload " + p;
        if (p == null || !p.isNumber()) return "payload " + p;
        BigDecimal expected = (BigDecimal) x.value();
        BigDecimal stored = p.decimalValue();
        if (stored.compareTo(expected) != 0) return "payload " + p;
        if (x.exactScale() && Math.max(stored.scale(), 0) != Math.max(expected.scale(), 0)) return "payload " + p + " (scale)";
        return null;
    }

    private static String dateDiff(Expect x, JsonNode p) {
        if (x.value() == null) return p == null || p.isNull() ? null : "payload " + p;
        if (p == null || !p.isTextual()) return "payload " + p;
        try {
            return LocalDate.parse(p.textValue()).equals(x.value()) ? null : "payload " + p;
        } catch (DateTimeParseException e) {
            return "payload " + p;
        }
    }

    private static String instantDiff(Expect x, JsonNode p) {
        if (x.value() == null) return p == null || p.isNull() ? null : "payload " + p;
        if (p == null || !p.isTextual()) return "payload " + p;
        try {
            return Instant.parse(p.textValue()).equals(x.value()) ? null : "payload " + p;
        } catch (DateTimeParseException e) {
            return "payload " + p;
        }
    }

    static String signature(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
        for (StackTraceElement el : t.getStackTrace()) {
            if (el.getClassName().startsWith("io.inlet.") && !el.getClassName().startsWith("io.inlet.fuzz.")) {
                sb.append(" at ").append(el.getClassName().substring(el.getClassName().lastIndexOf('.') + 1))
                        .append('.').append(el.getMethodName());
                break;
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) return sb.append(" (SQLState ").append(s.getSQLState()).append(')').toString();
        }
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        if (root != t) sb.append(" caused by ").append(root.getClass().getSimpleName());
        return sb.toString();
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) sb.append(" <- ");
            sb.append(c.getClass().getName()).append(": ").append(show(String.valueOf(c.getMessage())));
        }
        return sb.toString();
    }

    /** A reason with its values taken out, so reasons of one kind share a signature. */
    static String shape(String reason) {
        if (reason == null) return "null";
        String s = reason.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"…\"").replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N");
        return s.length() > 70 ? s.substring(0, 70) : s;
    }

    static String values(List<Rendered> fields) {
        StringBuilder sb = new StringBuilder("{");
        for (Rendered f : fields) sb.append(f.field().column).append('=').append(f.hostile()).append(':').append(show(f.text())).append(' ');
        return sb.append('}').toString();
    }

    /** Text safe to print: controls escaped, long values cut. */
    static String show(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == FieldRendering.NOT_UTF8 || c == '\uFEFF') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > 120) sb.append("…(").append(s.length()).append(" chars)");
        return sb.toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
