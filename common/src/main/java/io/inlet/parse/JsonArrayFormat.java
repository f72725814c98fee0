package io.inlet.parse;

import java.io.IOException;
import java.io.InputStream;

/** {@code json_array}: one JSON array of objects, scanned element by element in constant memory. */
final class JsonArrayFormat extends TextFormat {

    JsonArrayFormat() {
        super("json_array");
    }

    @Override
    RecordReader read(TextInput input, ResumePoint at) throws IOException {
        boolean resumed = !at.isStart();
        InputStream in = resumed ? input.positioned(at) : input.head();
        ResumePoint start = resumed ? at : new ResumePoint(1, 1, input.encoding().bomLength());
        return JsonArrayRecordReader.open(in, input.encoding(), input.spec().maxRecordBytes(), input.fileName(), start,
                resumed, in);
    }
}
