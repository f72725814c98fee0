package io.inlet.aws.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.ledger.Counts;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.ObjectRef;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FileMetricsTest {

    static final ObjectRef REF = new ObjectRef("vendor-drop", "acme/a.csv", "v1", "e", 10L);

    @Test
    void aFinishedFileReportsItsRecordsPerFeedInEmf() throws Exception {
        FileReport r = new FileReport(7L, REF, "acme-orders", FileOutcome.COMPLETED, new Counts(10, 7, 1, 1, 1),
                Duration.ofMillis(40), null, null);
        JsonNode doc = new ObjectMapper().readTree(FileMetrics.emfLine(r, 1_700_000_000_000L));
        JsonNode directive = doc.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(doc.get("_aws").get("Timestamp").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Inlet");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Feed\"]]");
        assertThat(doc.get("Feed").asText()).isEqualTo("acme-orders");
        assertThat(directive.get("Metrics").findValuesAsText("Name")).containsExactly("FilesIngested", "FilesRejected",
                "FilesSkipped", "RecordsRead", "RecordsAppended", "RecordsDuplicate", "RecordsConflict", "RecordsRejected");
        assertThat(doc.get("FilesIngested").asLong()).isEqualTo(1);
        assertThat(doc.get("RecordsAppended").asLong()).isEqualTo(7);
        assertThat(doc.get("RecordsRejected").asLong()).isEqualTo(1);
    }

    @Test
    void aRedeliveryCountsAsSkippedWithoutRecords() throws Exception {
        FileReport r = new FileReport(7L, REF, "acme-orders", FileOutcome.ALREADY_COMPLETED, new Counts(10, 7, 1, 1, 1),
                Duration.ZERO, null, null);
        JsonNode doc = new ObjectMapper().readTree(FileMetrics.emfLine(r, 1L));
        assertThat(doc.get("FilesSkipped").asLong()).isEqualTo(1);
        assertThat(doc.get("FilesIngested").asLong()).isZero();
        assertThat(doc.has("RecordsRead")).isFalse();
    }
}
