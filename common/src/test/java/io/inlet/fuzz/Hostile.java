package io.inlet.fuzz;

/**
 * The classes of value the structured fuzzer draws per field. Each is rendered per field kind by
 * {@link FieldRendering}; {@code arg} (a fuzzed string) varies it, and {@link #FREE_TEXT} is the
 * arg verbatim, so a seed can state any value exactly.
 */
enum Hostile {
    PLAIN,
    EMPTY,
    /** a raw NUL character (in JSON: the raw byte inside a string, which is not valid JSON) */
    NUL_RAW,
    /** a NUL character, escaped {@code \u0000} in JSON */
    NUL_ESCAPED,
    /** an unpaired UTF-16 surrogate: {@code \ud800} in JSON, its CESU bytes ED A0 80 in CSV */
    LONE_SURROGATE,
    /** bytes that are not UTF-8 (C3 28, FF, C0 AF, F8 88 80 80 80) */
    INVALID_UTF8,
    /** C0 controls, ESC sequences, DEL */
    CONTROL,
    /** quotes, delimiters, CR/LF, tabs inside the value */
    CSV_SPECIAL,
    /** a byte order mark at the start of the value */
    BOM,
    /** 3,000 letters (beyond a btree entry for stream ids and event types) */
    LONG_3000,
    /** accents, combining marks, an emoji (a valid surrogate pair), CJK */
    UNICODE,
    /** a plain value with spaces around */
    PADDED,
    /** the arg verbatim */
    FREE_TEXT,
    /** 1e400, -1e400, 1E+400 */
    NUMBER_HUGE,
    /** 1e-400, -1e-400 */
    NUMBER_TINY,
    /** 12345678901234567890.123456789 and 40-digit decimals */
    NUMBER_LONG_DIGITS,
    /** NaN, Infinity, 1,5, 0x1F, Arabic digits */
    NUMBER_NON,
    /** +300000-01-01T00:00:00Z, epoch millis 9300000000000000, -4714-... */
    TIME_OUT_OF_RANGE,
    /** nanosecond precision (PostgreSQL keeps microseconds) */
    TIME_NANOS,
    /** an offset other than Z */
    TIME_OFFSET,
    /** epoch milliseconds */
    TIME_EPOCH,
    /** 2026-02-30, 2026-13-45T99:00:00Z, "yesterday" */
    TIME_GARBAGE,
    /** the id of an earlier record of the file (id field only; PLAIN elsewhere) */
    DUPLICATE_ID;

    static final Hostile[] ALL = values();
}
