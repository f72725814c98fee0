package io.inlet.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A test-only binary format, {@code test_blocks}, registered by name the way a Parquet reader
 * would be: it takes none of the text pipeline's options and owns its resume token.
 *
 * <p>Layout: the magic {@code BLK1}, then blocks; a block is a big-endian u16 count followed by
 * that many entries, each a big-endian u32 length and that many bytes of one UTF-8 JSON object.
 * Its resume token: {@link ResumePoint#byteOffset()} is the offset of the block holding the next
 * record (not the record's own offset: a reader resumes at a block, as a columnar reader resumes at
 * a row group) and {@link ResumePoint#nextLineNumber()} the 1-based index of the next record in
 * that block. Option {@code max_block_records} refuses files whose blocks are larger.
 */
public final class BlocksFormat implements RecordFormat {

    public static final String NAME = "test_blocks";
    static final byte[] MAGIC = "BLK1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The format's own option. */
    public record Settings(int maxBlockRecords) implements FormatSettings {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of("max_block_records");
    }

    @Override
    public FormatSettings defaultSettings() {
        return new Settings(65_535);
    }

    @Override
    public FormatSpec spec(FormatOptions options) {
        int max = (int) options.integer("max_block_records", 65_535, 1, 65_535);
        return new FormatSpec(this, FormatSpec.Compression.NONE, "auto", new Settings(max), 0);
    }

    @Override
    public RecordReader open(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint from) throws IOException {
        int max = ((Settings) spec.settings()).maxBlockRecords();
        long block = Math.max(from.byteOffset(), MAGIC.length);
        DataInputStream in;
        if (block == MAGIC.length) {
            in = new DataInputStream(opener.open(0));
            byte[] magic = new byte[MAGIC.length];
            int n = in.readNBytes(magic, 0, magic.length);
            if (n != magic.length || !Arrays.equals(magic, MAGIC)) {
                in.close();
                throw new FileFormatException(fileName + ": not a " + NAME + " file (no BLK1 magic at offset 0)");
            }
        } else {
            in = new DataInputStream(opener.open(block));
        }
        Reader reader = new Reader(in, fileName, max, from.nextRecordNumber(), block);
        reader.skipInBlock(from.nextLineNumber() - 1);
        return reader;
    }

    /** The bytes of a file of these blocks of JSON texts (each text one record). */
    public static byte[] write(List<List<String>> blocks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            for (List<String> block : blocks) {
                out.writeShort(block.size());
                for (String entry : block) {
                    byte[] b = entry.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(b.length);
                    out.write(b);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static final class Reader implements RecordReader {
        private final DataInputStream in;
        private final String fileName;
        private final int max;
        private long record;
        private long offset;        // of the next unread byte
        private long blockOffset;   // of the block holding the next record
        private int indexInBlock;   // 0-based index of the next record in its block
        private int blockSize = -1; // -1: the next block's header is not read yet

        Reader(DataInputStream in, String fileName, int max, long nextRecord, long blockOffset) {
            this.in = in;
            this.fileName = fileName;
            this.max = max;
            this.record = nextRecord;
            this.offset = blockOffset;
            this.blockOffset = blockOffset;
        }

        /** Positions the reader at the start of the next block, or returns false at the end of the file. */
        private boolean atRecord() throws IOException {
            while (blockSize < 0 || indexInBlock == blockSize) {
                blockOffset = offset;
                int hi = in.read();
                if (hi < 0) {
                    blockSize = 0;
                    indexInBlock = 0;
                    return false;
                }
                int lo = in.read();
                if (lo < 0) throw new FileFormatException(fileName + ": truncated block header at offset " + offset);
                blockSize = (hi << 8) | lo;
                if (blockSize > max) {
                    throw new FileFormatException(fileName + ": block at offset " + offset + " holds " + blockSize
                            + " records (max_block_records " + max + ")");
                }
                offset += 2;
                indexInBlock = 0;
            }
            return true;
        }

        void skipInBlock(long entries) throws IOException {
            for (long i = 0; i < entries; i++) {
                if (!atRecord()) throw new FileFormatException(fileName + ": resume point beyond the end of the file");
                entry();
            }
        }

        private byte[] entry() throws IOException {
            try {
                int length = in.readInt();
                byte[] b = in.readNBytes(length);
                if (b.length != length) throw new EOFException();
                offset += 4 + length;
                indexInBlock++;
                return b;
            } catch (EOFException e) {
                throw new FileFormatException(fileName + ": truncated entry in block at offset " + blockOffset);
            }
        }

        @Override
        public ReadItem next() throws IOException {
            if (!atRecord()) return null;
            long start = offset;
            String text = new String(entry(), StandardCharsets.UTF_8);
            RecordPosition position = new RecordPosition(record, record, start, offset);
            record++;
            try {
                JsonNode node = JSON.readTree(text);
                if (node instanceof ObjectNode fields) return new RawRecord(position, fields, text);
                return new MalformedRecord(position, text, "entry is not a JSON object");
            } catch (JsonProcessingException e) {
                return new MalformedRecord(position, text, "entry is not JSON: " + e.getOriginalMessage());
            }
        }

        @Override
        public ResumePoint checkpoint() {
            // after the last entry of a block the next record starts the next block
            if (blockSize >= 0 && indexInBlock == blockSize) return new ResumePoint(record, 1, offset);
            return new ResumePoint(record, indexInBlock + 1, blockOffset);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
