package io.inlet.parse;

/**
 * Where reading continues: the checkpoint a reader reports after each item, and what an ingestion
 * resumed in a later invocation starts from.
 *
 * @param nextRecordNumber the number the next record will get (1 at the start)
 * @param nextLineNumber   the physical line the next record starts on (1 at the start)
 * @param byteOffset       offset of the next record's first byte in the decompressed stream
 */
public record ResumePoint(long nextRecordNumber, long nextLineNumber, long byteOffset) {

    public static final ResumePoint START = new ResumePoint(1, 1, 0);

    public boolean isStart() {
        return byteOffset == 0 && nextRecordNumber == 1;
    }
}
