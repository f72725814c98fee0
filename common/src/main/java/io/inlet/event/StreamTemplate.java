package io.inlet.event;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A stream id template such as {@code order-{order_id}} or {@code {entity}-{entity_id}}: literal
 * text and {@code {name}} placeholders, each replaced by a record value. Immutable and thread-safe.
 */
public final class StreamTemplate {

    private final String text;
    private final List<String> literals; // literals.get(i) precedes names.get(i); one extra literal at the end
    private final List<String> names;

    private StreamTemplate(String text, List<String> literals, List<String> names) {
        this.text = text;
        this.literals = literals;
        this.names = names;
    }

    /** Parses a template; unbalanced or empty braces throw IllegalArgumentException. */
    public static StreamTemplate parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty template");
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '}') throw new IllegalArgumentException("unmatched '}' at position " + i + " in '" + text + "'");
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int close = text.indexOf('}', i);
            if (close < 0) throw new IllegalArgumentException("unclosed '{' at position " + i + " in '" + text + "'");
            String name = text.substring(i + 1, close).strip();
            if (name.isEmpty() || name.contains("{")) {
                throw new IllegalArgumentException("bad placeholder at position " + i + " in '" + text + "'");
            }
            literals.add(literal.toString());
            literal.setLength(0);
            names.add(name);
            i = close + 1;
        }
        literals.add(literal.toString());
        return new StreamTemplate(text, List.copyOf(literals), List.copyOf(names));
    }

    /**
     * The literal texts around the placeholders: one before each placeholder, and one after the last
     * (so one more than there are placeholders); empty strings where two touch.
     */
    public List<String> literals() {
        return literals;
    }

    /** The placeholder names, in order of first appearance. */
    public Set<String> names() {
        return new LinkedHashSet<>(names);
    }

    /**
     * Renders the template.
     *
     * @param values value of each placeholder, or null/empty when the record has none
     * @throws RecordRejectedException naming the first placeholder without a value
     */
    public String render(Function<String, String> values) throws RecordRejectedException {
        StringBuilder out = new StringBuilder(literals.get(0));
        for (int i = 0; i < names.size(); i++) {
            String value = values.apply(names.get(i));
            if (value == null || value.isEmpty()) {
                throw new RecordRejectedException(names.get(i), "empty value for stream id template '" + text + "'");
            }
            out.append(value).append(literals.get(i + 1));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
