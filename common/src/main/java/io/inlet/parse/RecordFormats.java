package io.inlet.parse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The formats a feeds file may name, by name: the three text formats built in, plus any
 * {@link RecordFormat} a jar declares in {@code META-INF/services/io.inlet.parse.RecordFormat}
 * (found with {@link ServiceLoader}, as cloudevents' {@code EventFormatProvider} finds event
 * formats), plus any added in code with {@link #with}. Immutable; two formats of one name are
 * refused when the registry is built, never resolved by load order.
 */
public final class RecordFormats {

    public static final RecordFormat CSV = new CsvFormat();
    public static final RecordFormat JSON_LINES = new JsonLinesFormat();
    public static final RecordFormat JSON_ARRAY = new JsonArrayFormat();

    /** The built-in formats, in the order fuzz inputs pick them (keep it: stored inputs depend on it). */
    public static final List<RecordFormat> BUILT_IN = List.of(CSV, JSON_LINES, JSON_ARRAY);

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,39}");

    private final Map<String, RecordFormat> byName;

    private RecordFormats(Map<String, RecordFormat> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** Exactly these formats. */
    public static RecordFormats of(List<RecordFormat> formats) {
        Map<String, RecordFormat> byName = new TreeMap<>();
        for (RecordFormat f : formats) add(byName, f);
        return new RecordFormats(byName);
    }

    /** The built-in formats and those the class path declares as services. */
    public static RecordFormats standard() {
        return Standard.FORMATS;
    }

    /** The built-in formats and those {@code loader} declares as services. */
    public static RecordFormats discover(ClassLoader loader) {
        List<RecordFormat> all = new ArrayList<>(BUILT_IN);
        for (RecordFormat f : ServiceLoader.load(RecordFormat.class, loader)) all.add(f);
        return of(all);
    }

    /** This registry and {@code format}. */
    public RecordFormats with(RecordFormat format) {
        Map<String, RecordFormat> more = new TreeMap<>(byName);
        add(more, format);
        return new RecordFormats(more);
    }

    public Optional<RecordFormat> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The known names, sorted. */
    public Set<String> names() {
        return byName.keySet();
    }

    public List<RecordFormat> formats() {
        return List.copyOf(byName.values());
    }

    private static void add(Map<String, RecordFormat> byName, RecordFormat format) {
        String name = format.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(format.getClass().getName() + ": invalid format name '" + name
                    + "' (lower case letters, digits, '_', '.', '-'; at most 40 characters)");
        }
        RecordFormat earlier = byName.putIfAbsent(name, format);
        if (earlier != null && earlier != format) {
            throw new IllegalArgumentException("two formats named '" + name + "': " + earlier.getClass().getName()
                    + " and " + format.getClass().getName());
        }
    }

    /** Loaded once, on first use. */
    private static final class Standard {
        static final RecordFormats FORMATS = discover(RecordFormats.class.getClassLoader());
    }
}
