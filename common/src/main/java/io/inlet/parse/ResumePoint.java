package io.inlet.parse;

/**
 * Where reading continues: the checkpoint a reader reports after each item, and what an ingestion
 * resumed in a later invocation starts from. The ledger stores the three numbers as given
 * ({@code ingested_files.next_record, next_line, next_offset}) and hands them back unchanged.
 *
 * <p>{@code nextRecordNumber} means the same for every format. The other two are the resume token
 * of the format that reported them ({@link RecordFormat}): the text formats store the physical
 * line and the decompressed byte offset, as documented below; a binary format gives them its own
 * meaning (e.g. row group and row within it) and only it reads them back. {@code (1, 1, 0)} is the
 * start for every format.
 *
 * @param nextRecordNumber the number the next record will get (1 at the start)
 * @param nextLineNumber   text formats: the physical line the next record starts on (1 at the start)
 * @param byteOffset       text formats: offset of the next record's first byte in the decompressed stream
 */
public record ResumePoint(long nextRecordNumber, long nextLineNumber, long byteOffset) {

    public static final ResumePoint START = new ResumePoint(1, 1, 0);

    public boolean isStart() {
        return byteOffset == 0 && nextRecordNumber == 1;
    }
}
