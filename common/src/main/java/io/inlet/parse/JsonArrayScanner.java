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

    private static final int EOF = -2;
    private static final int DANGLING = -1; // an odd last byte of a UTF-16 file
    /** Bracket kinds are remembered this deep; deeper ones are only counted. */
    private static final int TRACKED_DEPTH = 1 << 12;

    private final InputStream in;
    private final TextEncoding encoding;
    private final int maxRecordBytes;

    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkLen;

    private long position;
    private long line;
    private State state;
    private final byte[] unitBytes = new byte[2];
    private int unitSize;
    private boolean pushedBack;
    private int pushedUnit;

    private long resumeOffset;
    private long resumeLine;

    private byte[] buffer = new byte[256];
    private int stored;
    private long bufferStart;

    private byte[] openers = new byte[64];
    private int depth;

    private JsonArrayScanner(InputStream in, TextEncoding encoding, int maxRecordBytes, long position, long line,
                             State state) {
        this.in = in;
        this.encoding = encoding;
        this.maxRecordBytes = maxRecordBytes;
        this.position = position;
        this.line = line;
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
                    + " at line " + scanner.line);
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
                    return rest(Kind.AFTER_ARRAY, position - unitSize, line, "content after the array's closing ']'");
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
                        pushBack(u);
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
        long start = position - unitSize;
        long startLine = line;
        startBuffer(start);
        keep();
        depth = 0;
        boolean inString = false;
        boolean escaped = false;
        long end = position;
        long endLine = line;
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
                push(u);
            } else if (u == '}' || u == ']') {
                pop(u);
            } else if (u == ',' && depth == 1 && top() == '{') {
                commaEnd = end;
                commaLine = endLine;
            }
            end = position;
            endLine = line;

            u = readUnit();
            while (!inString && isBlank(u)) {
                keep();
                u = readUnit();
            }
            if (u == EOF) {
                if (inString || depth > 0) {
                    String problem = inString ? "end of file inside a string"
                            : "end of file inside an element (" + depth + " unclosed '{' or '[')";
                    return rest(Kind.BROKEN, start, startLine, problem);
                }
                state = State.AFTER_ELEMENT;
                return frame(start, end, startLine, endLine);
            }
            if (!inString && commaEnd >= 0) {
                if (depth == 1 && (u == '{' || u == '[')) {
                    pushBack(u);
                    state = State.IN_ARRAY; // the ',' was the array's
                    return frame(start, commaEnd, startLine, commaLine);
                }
                commaEnd = -1;
            }
            if (!inString && depth == 0 && (u == ',' || u == ']')) {
                if (u == ']') {
                    pushBack(u);
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
        while (readUnit() != EOF) keep();
        state = State.DONE;
        resumeOffset = position;
        resumeLine = line;
        long length = position - start;
        return new Frame(kind, start, position, startLine, Arrays.copyOf(buffer, stored), length, problem);
    }

    private void push(int opener) {
        if (depth < TRACKED_DEPTH) {
            if (depth == openers.length) openers = Arrays.copyOf(openers, depth * 2);
            openers[depth] = (byte) opener;
        }
        depth++;
    }

    private int top() {
        return depth > 0 && depth <= TRACKED_DEPTH ? openers[depth - 1] : -1;
    }

    /** Pops to the opener {@code closer} matches, or one level when none is open; at depth 0 it is stray. */
    private void pop(int closer) {
        if (depth == 0) return;
        if (depth > TRACKED_DEPTH) {
            depth--;
            return;
        }
        int opener = closer == '}' ? '{' : '[';
        for (int d = Math.min(depth, TRACKED_DEPTH); d > 0; d--) {
            if (openers[d - 1] == opener) {
                depth = d - 1;
                return;
            }
        }
        depth--;
    }

    private void startBuffer(long offset) {
        bufferStart = offset;
        stored = 0;
    }

    /** Keeps the last unit read, while the frame is within the cap. */
    private void keep() {
        if (stored + unitSize > maxRecordBytes) return;
        if (stored + unitSize > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(stored + unitSize, Math.min(buffer.length * 2, maxRecordBytes)));
        }
        System.arraycopy(unitBytes, 0, buffer, stored, unitSize);
        stored += unitSize;
    }

    /** Skips blanks (kept in the buffer) and returns the first other unit, or EOF. */
    private int nextNonBlank() throws IOException {
        int u = readUnit();
        while (isBlank(u)) {
            keep();
            u = readUnit();
        }
        if (u != EOF) keep();
        return u;
    }

    private static boolean isBlank(int u) {
        return u == ' ' || u == '\n' || u == '\r' || u == '\t';
    }

    /** Unreads a unit other than a line feed (callers drop it from the buffer or restart the buffer). */
    private void pushBack(int u) {
        pushedBack = true;
        pushedUnit = u;
        position -= unitSize;
    }

    /** Reads one code unit into {@link #unitBytes}: its value, {@link #DANGLING} or {@link #EOF}. */
    private int readUnit() throws IOException {
        if (pushedBack) {
            pushedBack = false;
            position += unitSize;
            return pushedUnit;
        }
        int b0 = readByte();
        if (b0 < 0) return EOF;
        unitBytes[0] = (byte) b0;
        unitSize = 1;
        if (encoding.unitSize() == 1) return b0;
        int b1 = readByte();
        if (b1 < 0) return DANGLING;
        unitBytes[1] = (byte) b1;
        unitSize = 2;
        int u = encoding.bigEndian() ? (b0 << 8) | b1 : (b1 << 8) | b0;
        if (u == '\n') line++;
        return u;
    }

    private int readByte() throws IOException {
        if (chunkPos == chunkLen) {
            int n = in.read(chunk, 0, chunk.length);
            while (n == 0) n = in.read(chunk, 0, chunk.length);
            if (n < 0) return -1;
            chunkPos = 0;
            chunkLen = n;
        }
        position++;
        int b = chunk[chunkPos++] & 0xff;
        if (b == '\n' && encoding.unitSize() == 1) line++;
        return b;
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
