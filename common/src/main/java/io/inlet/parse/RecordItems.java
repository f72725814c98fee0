package io.inlet.parse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** What the readers share: the node factory and how an oversized record is reported. */
final class RecordItems {

    /** One factory for every record's fields; decimals exactly as written (12.50 stays 12.50). */
    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** How much of an oversized record is kept as its raw text. */
    static final int OVERSIZED_PREFIX_BYTES = 1024;

    private RecordItems() {
    }

    static String exceeds(int maxRecordBytes) {
        return "record exceeds " + maxRecordBytes + " bytes";
    }

    /** The first bytes of an oversized record, decoded leniently: enough to find it in the file. */
    static String prefix(TextEncoding encoding, byte[] content) {
        int n = Math.min(content.length, OVERSIZED_PREFIX_BYTES);
        n -= n % encoding.unitSize();
        return encoding.decodeLenient(content, 0, n);
    }
}
