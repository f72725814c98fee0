package io.inlet.parse;

import java.io.IOException;
import java.io.InputStream;

/** {@code jsonl}: one JSON object per line; a resume starts at the next line's offset. */
final class JsonLinesFormat extends TextFormat {

    JsonLinesFormat() {
        super("jsonl");
    }

    @Override
    RecordReader read(TextInput input, ResumePoint at) throws IOException {
        boolean resumed = !at.isStart();
        InputStream in = resumed ? input.positioned(at) : input.head();
        long offset = resumed ? at.byteOffset() : input.encoding().bomLength();
        RecordFramer framer = input.framer(in, RecordFramer.Mode.LINES, offset, at.nextLineNumber());
        return new JsonLinesRecordReader(framer, input.encoding(), input.spec().maxRecordBytes(), at.nextRecordNumber(), in);
    }
}
