package io.inlet.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.inlet.event.MappingSpec.FieldRule;
import io.inlet.event.MappingSpec.FieldType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns one record value into the typed JSON value of a payload field. CSV values arrive as text
 * and are typed here; JSON values keep their type when it already fits. Thread-safe.
 */
public final class FieldTyping {

    public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Exact numbers: a JSON cell's 1e400 stays 1E+400, never a double's Infinity. */
    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?\\d+(\\.\\d+)?");

    private final FieldRule rule;
    private final char decimalSeparator;
    private final Pattern groupedInteger; // null when no grouping separator is configured
    private final Character groupingSeparator;
    private final List<TimeFormat> formats;
    private final ZoneId zone;

    FieldTyping(FieldRule rule, char decimalSeparator, Character groupingSeparator, ZoneId defaultZone) {
        this.rule = rule;
        this.decimalSeparator = decimalSeparator;
        this.groupingSeparator = groupingSeparator;
        this.groupedInteger = groupingSeparator == null ? null
                : Pattern.compile("[+-]?\\d{1,3}(" + Pattern.quote(groupingSeparator.toString()) + "\\d{3})+");
        List<TimeFormat> compiled = new ArrayList<>();
        for (String f : rule.formats().isEmpty() ? List.of(TimeFormat.ISO) : rule.formats()) {
            compiled.add(TimeFormat.compile(f));
        }
        this.formats = List.copyOf(compiled);
        this.zone = rule.zone() != null ? rule.zone() : defaultZone != null ? defaultZone : ZoneOffset.UTC;
    }

    FieldRule rule() {
        return rule;
    }

    /** The typed value of the field; {@code raw} is null when the record has no such field. */
    JsonNode convert(JsonNode raw) throws RecordRejectedException {
        JsonNode value = typed(raw);
        if (rule.required() && (value.isNull() || (value.isTextual() && value.textValue().isEmpty()))) {
            throw new RecordRejectedException(rule.from(), "required value is missing");
        }
        return value;
    }

    private JsonNode typed(JsonNode raw) throws RecordRejectedException {
        if (raw == null || raw.isNull() || raw.isMissingNode()) return NullNode.instance;
        if (rule.type() == FieldType.STRING) {
            return raw.isTextual() ? raw : NODES.textNode(raw.isValueNode() ? raw.asText() : raw.toString());
        }
        if (raw.isTextual() && raw.textValue().isBlank()) return NullNode.instance; // empty CSV cell = no value
        return switch (rule.type()) {
            case INTEGER -> integer(raw);
            case DECIMAL -> decimal(raw);
            case BOOLEAN -> bool(raw);
            case DATE -> date(raw);
            case TIMESTAMP -> timestamp(raw);
            case JSON -> json(raw);
            case STRING -> throw new AssertionError("handled above");
        };
    }

    private JsonNode integer(JsonNode raw) throws RecordRejectedException {
        if (raw.isIntegralNumber()) return raw;
        String text = raw.asText().strip();
        if (!raw.isTextual() || !INTEGER.matcher(text).matches()) throw wrong("not an integer", raw);
        return NODES.numberNode(new BigInteger(text.startsWith("+") ? text.substring(1) : text));
    }

    private JsonNode decimal(JsonNode raw) throws RecordRejectedException {
        if (raw.isNumber()) {
            // a double (only from a caller that parsed approximately) is taken as it prints; never Infinity
            if (raw.isFloatingPointNumber() && !raw.isBigDecimal() && !Double.isFinite(raw.doubleValue())) {
                throw wrong("not a decimal", raw);
            }
            return NODES.numberNode(raw.isBigDecimal() || raw.isIntegralNumber() ? raw.decimalValue() : new BigDecimal(raw.asText()));
        }
        if (!raw.isTextual()) throw wrong("not a decimal", raw);
        String text = raw.textValue().strip();
        if (groupingSeparator != null && text.indexOf(groupingSeparator) >= 0) {
            int decimalAt = text.indexOf(decimalSeparator);
            String integerPart = decimalAt < 0 ? text : text.substring(0, decimalAt);
            if (!groupedInteger.matcher(integerPart).matches()) throw wrong("not a decimal", raw);
            text = integerPart.replace(groupingSeparator.toString(), "") + (decimalAt < 0 ? "" : text.substring(decimalAt));
        }
        char other = decimalSeparator == '.' ? ',' : '.';
        if (text.indexOf(other) >= 0) throw wrong("not a decimal", raw);
        text = text.replace(decimalSeparator, '.');
        if (!PLAIN_DECIMAL.matcher(text).matches()) throw wrong("not a decimal", raw);
        return NODES.numberNode(new BigDecimal(text));
    }

    private JsonNode bool(JsonNode raw) throws RecordRejectedException {
        if (raw.isBoolean()) return raw;
        String text = raw.asText().strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "y", "1" -> NODES.booleanNode(true);
            case "false", "no", "n", "0" -> NODES.booleanNode(false);
            default -> throw wrong("not a boolean", raw);
        };
    }

    private JsonNode date(JsonNode raw) throws RecordRejectedException {
        String text = raw.asText();
        for (TimeFormat format : formats) {
            try {
                return NODES.textNode(format.parseDate(text).toString());
            } catch (DateTimeException e) {
                // try the next format
            }
        }
        throw wrong("not a date in any of the formats " + formats, raw);
    }

    private JsonNode timestamp(JsonNode raw) throws RecordRejectedException {
        Instant instant = parseInstant(raw.asText(), formats, zone);
        if (instant == null) throw wrong("not a timestamp in any of the formats " + formats, raw);
        return NODES.textNode(instant.toString());
    }

    private JsonNode json(JsonNode raw) throws RecordRejectedException {
        if (!raw.isTextual()) return raw;
        try {
            return JSON.readTree(raw.textValue());
        } catch (JsonProcessingException e) {
            throw wrong("not JSON (" + e.getOriginalMessage() + ")", raw);
        } catch (NumberFormatException e) {
            // Jackson lets some number-range failures (huge exponents) out unwrapped
            throw wrong("not JSON (" + e.getMessage() + ")", raw);
        }
    }

    private RecordRejectedException wrong(String what, JsonNode raw) {
        return new RecordRejectedException(rule.from(), what + ": " + (raw.isTextual() ? quote(raw.textValue()) : raw.toString()));
    }

    /** The first format that parses {@code text}, or null when none does. */
    static Instant parseInstant(String text, List<TimeFormat> formats, ZoneId zone) {
        for (TimeFormat format : formats) {
            try {
                return format.parseInstant(text, zone);
            } catch (DateTimeException | ArithmeticException e) {
                // try the next format
            }
        }
        return null;
    }

    static String quote(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
