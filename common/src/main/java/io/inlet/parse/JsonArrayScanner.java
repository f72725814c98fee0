package io.inlet.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a top-level JSON array into its elements' bytes without parsing them, so that one element
 * Jackson cannot read costs that element only.
 *
 * <p>The scan is lenient and structural: it works on code units (bytes for UTF-8 and single-byte
 * charsets, where {@code { } [ ] " \ ,} are ASCII and never part of a multibyte sequence; two-byte
 * units for UTF-16) and tracks only strings (quote, backslash escape) and nesting. An element runs
 * from its first non-blank unit to the next {@code ,} or {@code ]} outside strings and brackets;
 * whatever lies there (a missing comma, a stray {@code '}'}) is part of that one element. Nesting
 * errors are bounded: a closing bracket pops to its matching opener (or one level when none is
 * open), and inside an element's own object a {@code ,} followed by {@code {} or {@code [} ends
 * the element (its closing brace is missing: an object's member starts with a quote). Empty slots
 * ({@code ,,}, a trailing comma) hold no element.
 *
 * <p>Only what no separator can bound ends the scan: the end of the file inside a string or an
 * element or before the closing {@code ]} (one {@link Kind#BROKEN} frame to the end), and
 * content after the closing {@code ]} (one {@link Kind#AFTER_ARRAY} frame to the end). An element
 * over the size cap is counted to its end while only its first bytes are kept.
 *
 * <p>{@link #resumeOffset()} is always just past the last frame (an element's last non-blank
 * unit): a scanner started there in {@link #resumeAt} mode continues exactly like this one.
 */
final class JsonArrayScanner {

    enum Kind { ELEMENT, BROKEN, AFTER_ARRAY }

    /**
     * One element, or the rest of a file that cannot be cut into elements.
     *
     * @param content the first {@code min(length, maxRecordBytes)} bytes
     * @param length  the frame's true length in bytes
     * @param problem for BROKEN: what ended the scan
     */
    record Frame(Kind kind, long startOffset, long endOffset, long line, byte[] content, long length, String problem) {
    }

    private enum State { IN_ARRAY, AFTER_ELEMENT, AFTER_ARRAY, DONE }

    private static final int EOF = CodeUnits.EOF;

    private final CodeUnits units;
    private final int maxRecordBytes;
    private final Nesting nesting = new Nesting();
    private State state;

    private long resumeOffset;
    private long resumeLine;

    private byte[] buffer = new byte[256];
    private int stored;
    private long bufferStart;

    private JsonArrayScanner(InputStream in, TextEncoding encoding, int maxRecordBytes, long position, long line,
                             State state) {
        this.units = new CodeUnits(in, encoding, position, line);
        this.maxRecordBytes = maxRecordBytes;
        this.state = state;
        this.resumeOffset = position;
        this.resumeLine = line;
        this.bufferStart = position;
    }

    /**
     * A scanner at the start of the file (after the BOM): reads up to the array's {@code [}.
     *
     * @return {@code null} when the file holds nothing but blanks (no records)
     * @throws FileFormatException when the file is not a JSON array
     */
    static JsonArrayScanner atFileStart(InputStream in, TextEncoding encoding, int maxRecordBytes, long position,
                                        String fileName) throws IOException {
        JsonArrayScanner scanner = new JsonArrayScanner(in, encoding, maxRecordBytes, position, 1, State.IN_ARRAY);
        int u = scanner.nextNonBlank();
        if (u == EOF) return null;
        if (u != '[') {
            throw new FileFormatException(fileName + ": expected a JSON array but found " + describe(u)
                    + " at line " + scanner.units.line());
        }
        return scanner;
    }

    /** A scanner at a resume offset reported by {@link #resumeOffset()} of an earlier scanner. */
    static JsonArrayScanner resumeAt(InputStream in, TextEncoding encoding, int maxRecordBytes, long offset, long line) {
        return new JsonArrayScanner(in, encoding, maxRecordBytes, offset, line, State.AFTER_ELEMENT);
    }

    /** Where a later read continues: just past the last frame. */
    long resumeOffset() {
        return resumeOffset;
    }

    long resumeLine() {
        return resumeLine;
    }

    /** The next frame, or {@code null} at the end of the array (or of the file). */
    Frame next() throws IOException {
        while (true) {
            switch (state) {
                case DONE -> {
                    return null;
                }
                case AFTER_ARRAY -> {
                    int u = nextNonBlank();
                    if (u == EOF) {
                        state = State.DONE;
                        return null;
                    }
                    return rest(Kind.AFTER_ARRAY, units.position() - units.size(), units.line(),
                            "content after the array's closing ']'");
                }
                case AFTER_ELEMENT -> {
                    int u = nextNonBlank();
                    if (u == EOF) { // cut right after an element: nothing shows it (as a JSON Lines cut at a line end)
                        state = State.DONE;
                        return null;
                    }
                    if (u == ',') {
                        state = State.IN_ARRAY;
                    } else if (u == ']') {
                        state = State.AFTER_ARRAY;
                    } else {
                        // an element's first unit: where a reader before this scanner checkpointed
                        units.pushBack(u);
                        state = State.IN_ARRAY;
                    }
                }
                case IN_ARRAY -> {
                    int u = nextNonBlank();
                    if (u == EOF) {
                        return rest(Kind.BROKEN, resumeOffset, resumeLine, "end of file before the closing ']'");
                    }
                    if (u == ']') {
                        state = State.AFTER_ARRAY;
                    } else if (u != ',') { // an empty slot holds nothing
                        return element(u);
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /** Scans one element whose first unit {@code first} has just been read. */
    private Frame element(int first) throws IOException {
        long start = units.position() - units.size();
        long startLine = units.line();
        startBuffer(start);
        keep();
        nesting.clear();
        boolean inString = false;
        boolean escaped = false;
        long end = units.position();
        long endLine = units.line();
        long commaEnd = -1; // a ',' directly in the element's object: where the element ends if no member follows
        long commaLine = 0;
        int u = first;
        while (true) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (u == '\\') {
                    escaped = true;
                } else if (u == '"') {
                    inString = false;
                }
            } else if (u == '"') {
                inString = true;
            } else if (u == '{' || u == '[') {
                nesting.open(u);
            } else if (u == '}' || u == ']') {
                nesting.close(u);
            } else if (u == ',' && nesting.depth() == 1 && nesting.innermost() == '{') {
                commaEnd = end;
                commaLine = endLine;
            }
            end = units.position();
            endLine = units.line();

            u = units.read();
            while (!inString && isBlank(u)) {
                keep();
                u = units.read();
            }
            if (u == EOF) {
                if (inString || nesting.depth() > 0) {
                    String problem = inString ? "end of file inside a string"
                            : "end of file inside an element (" + nesting.depth() + " unclosed '{' or '[')";
                    return rest(Kind.BROKEN, start, startLine, problem);
                }
                state = State.AFTER_ELEMENT;
                return frame(start, end, startLine, endLine);
            }
            if (!inString && commaEnd >= 0) {
                if (nesting.depth() == 1 && (u == '{' || u == '[')) {
                    units.pushBack(u);
                    state = State.IN_ARRAY; // the ',' was the array's
                    return frame(start, commaEnd, startLine, commaLine);
                }
                commaEnd = -1;
            }
            if (!inString && nesting.depth() == 0 && (u == ',' || u == ']')) {
                if (u == ']') {
                    units.pushBack(u);
                } else {
                    keep();
                }
                state = u == ',' ? State.IN_ARRAY : State.AFTER_ELEMENT;
                return frame(start, end, startLine, endLine);
            }
            keep();
        }
    }

    private Frame frame(long start, long end, long startLine, long endLine) {
        resumeOffset = end;
        resumeLine = endLine;
        long length = end - start;
        byte[] content = Arrays.copyOf(buffer, (int) Math.min(stored, length));
        // what followed the element (blanks, a ',') starts the buffer: a broken tail may start there
        int after = (int) Math.max(0, stored - length);
        System.arraycopy(buffer, stored - after, buffer, 0, after);
        stored = after;
        bufferStart = end;
        return new Frame(Kind.ELEMENT, start, end, startLine, content, length, null);
    }

    /** Everything from {@code start} (already in the buffer from there) to the end of the file. */
    private Frame rest(Kind kind, long start, long startLine, String problem) throws IOException {
        if (bufferStart != start) {
            startBuffer(start);
            keep(); // the unit just read is the first
        }
        while (units.read() != EOF) keep();
        state = State.DONE;
        resumeOffset = units.position();
        resumeLine = units.line();
        long length = resumeOffset - start;
        return new Frame(kind, start, resumeOffset, startLine, Arrays.copyOf(buffer, stored), length, problem);
    }

    private void startBuffer(long offset) {
        bufferStart = offset;
        stored = 0;
    }

    /** Keeps the last unit read, while the frame is within the cap. */
    private void keep() {
        int size = units.size();
        if (stored + size > maxRecordBytes) return;
        if (stored + size > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(stored + size, Math.min(buffer.length * 2, maxRecordBytes)));
        }
        System.arraycopy(units.bytes(), 0, buffer, stored, size);
        stored += size;
    }

    /** Skips blanks (kept in the buffer) and returns the first other unit, or EOF. */
    private int nextNonBlank() throws IOException {
        int u = units.read();
        while (isBlank(u)) {
            keep();
            u = units.read();
        }
        if (u != EOF) keep();
        return u;
    }

    private static boolean isBlank(int u) {
        return u == ' ' || u == '\n' || u == '\r' || u == '\t';
    }

    private static String describe(int u) {
        return switch (u) {
            case '{' -> "an object";
            case '"' -> "a string";
            case 't', 'f' -> "a boolean";
            case 'n' -> "null";
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> "a number";
            default -> u >= 0x21 && u < 0x7f ? "'" + (char) u + "'" : String.format("the character U+%04X", u);
        };
    }
}
