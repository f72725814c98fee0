package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reading up to record k, then resuming at the checkpoint, yields exactly what one full pass does. */
final class ResumeEquivalence {

    private ResumeEquivalence() {
    }

    static void assertEveryResumeMatchesFullRead(FormatSpec spec, String name, StreamOpener opener) throws IOException {
        List<ReadItem> full = Reading.readAll(spec, name, opener);
        for (int k = 0; k <= full.size(); k++) {
            ResumePoint checkpoint;
            List<ReadItem> head = new ArrayList<>();
            try (RecordReader reader = RecordReaders.open(spec, name, opener, ResumePoint.START)) {
                for (int i = 0; i < k; i++) head.add(reader.next());
                checkpoint = reader.checkpoint();
            }
            assertThat(head).isEqualTo(full.subList(0, k));
            assertThat(checkpoint.nextRecordNumber()).isEqualTo(k + 1);
            if (k < full.size() && k > 0) {
                assertThat(checkpoint.byteOffset()).isLessThanOrEqualTo(full.get(k).position().startOffset());
                assertThat(checkpoint.byteOffset()).isGreaterThanOrEqualTo(full.get(k - 1).position().endOffset());
            }
            List<ReadItem> rest = Reading.readFrom(spec, name, opener, checkpoint);
            assertThat(rest).as("resumed after record %d at %s", k, checkpoint).isEqualTo(full.subList(k, full.size()));
        }
    }
}
