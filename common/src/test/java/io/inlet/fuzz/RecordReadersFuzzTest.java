package io.inlet.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inlet.parse.CsvOptions;
import io.inlet.parse.FileFormatException;
import io.inlet.parse.FormatSpec;
import io.inlet.parse.RecordFormat;
import io.inlet.parse.RecordFormats;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Any bytes, in any format: the readers yield records and malformed records, or throw the
 * classified {@link FileFormatException}; any other exception is a finding.
 */
class RecordReadersFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void anyBytesEndInRecordsOrAClassifiedError(FuzzedDataProvider data) throws IOException {
        RecordFormat format = data.pickValue(RecordFormats.BUILT_IN);
        char delimiter = data.pickValue(new Character[] {',', ';', '\t', '|'});
        boolean header = data.consumeBoolean();
        CsvOptions csv = new CsvOptions(delimiter, '"', data.consumeBoolean() ? '\\' : null, header,
                header ? List.of() : List.of("a", "b", "c"), data.consumeBoolean(), data.consumeBoolean());
        String charset = data.pickValue(new String[] {"auto", "UTF-8", "ISO-8859-1", "UTF-16"});
        FormatSpec spec = new FormatSpec(format, FormatSpec.Compression.AUTO, charset,
                format == RecordFormats.CSV ? csv : null, 1 + data.consumeInt(0, 4096));
        byte[] bytes = data.consumeRemainingAsBytes();
        try (RecordReader reader = RecordReaders.open(spec, "fuzz.bin", from -> open(bytes, from), ResumePoint.START)) {
            int guard = 0;
            while (reader.next() != null) {
                if (++guard > bytes.length + 2) throw new IllegalStateException("more records than bytes: the reader loops");
                reader.checkpoint();
            }
        } catch (FileFormatException expected) {
            // classified: the file as a whole is unreadable, and the message names it
            if (!expected.getMessage().contains("fuzz.bin")) throw new IllegalStateException("unnamed error", expected);
        }
    }

    static InputStream open(byte[] bytes, long from) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes);
        in.skipNBytes(Math.min(from, bytes.length));
        return in;
    }
}
