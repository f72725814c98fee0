package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.inlet.feed.FeedRegistry;
import io.inlet.sweep.Finding;
import io.inlet.sweep.SweepReport;
import io.inlet.sweep.SweepSchedule;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The scheduled sweep on the in-memory GCS: every feed prefix listed, the object no notification brought found. */
class SweepFunctionTest {

    private static final String FEEDS_YAML = """
            version: 1
            feeds:
              - name: orders
                bucket: gcs-sweep-drop
                key_pattern: "orders/**"
                format: { type: csv, header: true }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"], zone: UTC }
                  id: { strategy: position }
                table: order_events
            """;
    private static final FeedRegistry FEEDS = FeedRegistry.parse(FEEDS_YAML, "feeds.yaml");

    @Test
    void theScheduledSweepFindsTheObjectNoNotificationBrought() {
        DataSource db = TestDatabase.fresh("order_events");
        Storage storage = LocalStorageHelper.getOptions().getService();
        storage.create(BlobInfo.newBuilder("gcs-sweep-drop", "orders/lost.csv").build(),
                "order_id,at\n1,2026-11-20T06:00:00Z\n".getBytes(StandardCharsets.UTF_8));
        storage.create(BlobInfo.newBuilder("gcs-sweep-drop", "elsewhere/x.csv").build(), new byte[] {1});

        // google-cloud-nio's fake records no update time (the lister then says 1970): a lookback that reaches it
        List<SweepReport> reports = new SweepFunction(storage, db, FEEDS, Map.of(SweepSchedule.LOOKBACK, "P40000D"))
                .sweep(Instant.now().plus(Duration.ofHours(1)));

        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).prefix()).isEqualTo("orders/");
        assertThat(reports.get(0).listed()).isEqualTo(1);
        assertThat(reports.get(0).counts()).containsEntry(Finding.NEVER_SEEN, 1L);
    }

    /**
     * The sweep read INLET_FEEDS as a file path only, so the Terraform default (the feeds file bundled in
     * the jar) and a gs:// location failed every scheduled sweep: it reads them as the other functions do.
     */
    @Test
    void theSweepReadsItsFeedsFromAGcsObjectLikeTheOtherFunctions() {
        DataSource db = TestDatabase.fresh("order_events");
        Storage storage = LocalStorageHelper.getOptions().getService();
        storage.create(BlobInfo.newBuilder("gcs-sweep-config", "inlet/feeds.yaml").build(), FEEDS_YAML.getBytes(StandardCharsets.UTF_8));
        storage.create(BlobInfo.newBuilder("gcs-sweep-drop", "orders/lost.csv").build(),
                "order_id,at\n1,2026-11-20T06:00:00Z\n".getBytes(StandardCharsets.UTF_8));
        var settings = TestDatabase.settingsFor(db);
        Map<String, String> env = new java.util.HashMap<>(Map.of("INLET_FEEDS", "gs://gcs-sweep-config/inlet/feeds.yaml",
                "INLET_DATABASE_URL", settings.url(), SweepSchedule.LOOKBACK, "P40000D"));
        if (settings.user() != null) env.put("INLET_DATABASE_USER", settings.user());
        if (settings.password() != null) env.put("INLET_DATABASE_PASSWORD", settings.password());

        List<SweepReport> reports = new SweepFunction(storage, env).sweep(Instant.now().plus(Duration.ofHours(1)));

        assertThat(reports).singleElement().satisfies(r -> assertThat(r.counts()).containsEntry(Finding.NEVER_SEEN, 1L));
    }
}
