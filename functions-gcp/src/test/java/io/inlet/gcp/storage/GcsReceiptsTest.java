package io.inlet.gcp.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Receipts written into GCS test storage, under the feed's prefix of the watched bucket: one key each, never ingested. */
class GcsReceiptsTest {

    private static final String FEEDS = """
            version: 1
            feeds:
              - name: vendor-orders
                bucket: drop
                key_pattern: "**"
                format: { type: csv }
                receipts: { prefix: receipts/ }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: placed_at }
                  id: { strategy: column, column: order_id }
                table: order_events
            """;

    @Test
    void aReceiptIsWrittenUnderThePrefixRewrittenOnRedeliveryAndNeverIngested() throws Exception {
        Storage storage = LocalStorageHelper.getOptions().getService();
        GcsObjectSource source = new GcsObjectSource(storage);
        Inlet inlet = Inlet.builder().dataSource(TestDatabase.fresh("order_events")).feeds(FeedRegistry.parse(FEEDS, "feeds.yaml"))
                .workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
        storage.create(BlobInfo.newBuilder(BlobId.of("drop", "in/a.csv")).build(), ("order_id,customer_id,total,placed_at\n"
                + "o-1,c-1,1.50,2026-01-15T10:00:00Z\no-2,c-1,2.50,not-a-time\n").getBytes(StandardCharsets.UTF_8));
        ObjectRef ref = new ObjectRef("drop", "in/a.csv", null, null, null);

        assertThat(inlet.ingestFile(ref, source, Deadline.none()).outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(inlet.ingestFile(ref, source, Deadline.none()).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);

        List<String> keys = new ArrayList<>();
        for (Blob b : storage.list("drop", Storage.BlobListOption.prefix("receipts/")).iterateAll()) keys.add(b.getName());
        assertThat(keys).containsExactlyInAnyOrder("receipts/in/a.csv.receipt.json", "receipts/in/a.csv.receipt.csv");
        JsonNode receipt = new ObjectMapper().readTree(storage.readAllBytes(BlobId.of("drop", "receipts/in/a.csv.receipt.json")));
        assertThat(receipt.get("counts").get("rejected").asLong()).isEqualTo(1);
        assertThat(receipt.get("rejected").get(0).get("line").asLong()).isEqualTo(3);
        assertThat(receipt.toString()).doesNotContain("not-a-time");

        FileReport back = inlet.ingestFile(new ObjectRef("drop", "receipts/in/a.csv.receipt.csv", null, null, null), source,
                Deadline.none());
        assertThat(back.outcome()).isEqualTo(FileOutcome.CONTROL_OBJECT);
    }
}
