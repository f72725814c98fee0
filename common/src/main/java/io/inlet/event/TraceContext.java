package io.inlet.event;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context ({@code traceparent}, version {@code 00}): how a trigger's trace reaches the
 * events it causes (their correlation id is the trace id) and the messages derived from them.
 *
 * @param traceId  32 lower-case hex digits, not all zero
 * @param parentId 16 lower-case hex digits, not all zero: the span that caused what follows
 * @param flags    2 lower-case hex digits ({@code 01} = sampled)
 */
public record TraceContext(String traceId, String parentId, String flags) {

    /** The message attribute (SQS, Pub/Sub) and CloudEvent extension that carries a trace context. */
    public static final String TRACEPARENT = "traceparent";

    /**
     * Attribute names a trigger may carry it under, in order of preference: our own and OpenTelemetry's
     * {@code traceparent}, CloudEvents binary mode's {@code ce-traceparent}, and the Pub/Sub client
     * libraries' {@code googclient_traceparent}.
     */
    private static final String[] ATTRIBUTE_NAMES = {TRACEPARENT, "ce-traceparent", "googclient_traceparent"};

    public TraceContext {
        if (!isHex(traceId, 32)) throw new IllegalArgumentException("trace id must be 32 hex digits, not all zero: " + traceId);
        if (!isHex(parentId, 16)) throw new IllegalArgumentException("parent id must be 16 hex digits, not all zero: " + parentId);
        Objects.requireNonNull(flags, "flags");
        if (flags.length() != 2 || !hexOnly(flags)) throw new IllegalArgumentException("flags must be 2 hex digits: " + flags);
        traceId = traceId.toLowerCase(Locale.ROOT);
        parentId = parentId.toLowerCase(Locale.ROOT);
        flags = flags.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@code traceparent} header value: {@code 00-<trace-id>-<parent-id>-<flags>}. Empty for
     * anything else: a wrong version ({@code ff} is invalid; a later version is read by its first four
     * fields, as the spec asks, only when followed by {@code -}), upper-case hex, all-zero ids, wrong
     * lengths. Never throws.
     */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) return Optional.empty();
        String s = traceparent.strip();
        if (s.length() < 55 || s.charAt(2) != '-' || s.charAt(35) != '-' || s.charAt(52) != '-') return Optional.empty();
        String version = s.substring(0, 2);
        if (!lowerHex(version) || version.equals("ff")) return Optional.empty();
        if (version.equals("00") ? s.length() != 55 : s.length() > 55 && s.charAt(55) != '-') return Optional.empty();
        String traceId = s.substring(3, 35);
        String parentId = s.substring(36, 52);
        String flags = s.substring(53, 55);
        if (!lowerHex(traceId) || !lowerHex(parentId) || !lowerHex(flags)) return Optional.empty();
        if (!isHex(traceId, 32) || !isHex(parentId, 16)) return Optional.empty();
        return Optional.of(new TraceContext(traceId, parentId, flags));
    }

    /**
     * Converts an AWS X-Ray trace header ({@code AWSTraceHeader} of an SQS message:
     * {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}): the trace id
     * is the root without {@code 1-} and the dash (8 hex of epoch seconds + 24 hex), the parent is
     * {@code Parent} (a fresh id when absent), the flags {@code 01} when {@code Sampled=1}. Never throws.
     */
    public static Optional<TraceContext> fromXRay(String header) {
        if (header == null) return Optional.empty();
        String root = null;
        String parent = null;
        boolean sampled = false;
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) continue;
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            switch (key) {
                case "Root" -> root = value;
                case "Parent" -> parent = value;
                case "Sampled" -> sampled = value.equals("1");
                default -> { }
            }
        }
        if (root == null || root.length() != 35 || !root.startsWith("1-") || root.charAt(10) != '-') return Optional.empty();
        String traceId = (root.substring(2, 10) + root.substring(11)).toLowerCase(Locale.ROOT);
        if (!isHex(traceId, 32)) return Optional.empty();
        String parentId = parent == null ? null : parent.toLowerCase(Locale.ROOT);
        if (parentId != null && !isHex(parentId, 16)) return Optional.empty();
        return Optional.of(new TraceContext(traceId, parentId == null ? newSpanId() : parentId, sampled ? "01" : "00"));
    }

    /** The trace context a set of message attributes carries (see the names above), if any valid one. */
    public static Optional<TraceContext> fromAttributes(Map<String, String> attributes) {
        if (attributes == null) return Optional.empty();
        for (String name : ATTRIBUTE_NAMES) {
            Optional<TraceContext> found = parse(attributes.get(name));
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }

    /**
     * A new span in the trace a correlation id names: present only when the correlation id is a trace
     * id (32 hex, not all zero), with a fresh parent id and flags {@code 01}. This is how a derived
     * message continues the trace of the trigger that caused its event.
     */
    public static Optional<TraceContext> childOf(String correlationId) {
        if (correlationId == null || !isHex(correlationId, 32) || !lowerHex(correlationId)) return Optional.empty();
        return Optional.of(new TraceContext(correlationId, newSpanId(), "01"));
    }

    /** The {@code traceparent} value, version {@code 00}. */
    public String toTraceparent() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    private static String newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return String.format("%016x", id);
    }

    /** {@code length} hex digits (either case), not all zero. */
    private static boolean isHex(String s, int length) {
        if (s == null || s.length() != length || !hexOnly(s)) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) != '0') return true;
        return false;
    }

    private static boolean hexOnly(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            // ASCII only: Character.digit would also take other scripts' digits
            if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'f') && !(ch >= 'A' && ch <= 'F')) return false;
        }
        return true;
    }

    /** The spec allows lower-case hex only in a traceparent. */
    private static boolean lowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'f')) return false;
        }
        return true;
    }
}
