package io.inlet.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.failure.PermanentException;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ledger.Counts;
import io.inlet.source.LocalFileSource;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value an inline projection's column refuses fails its append as any value PostgreSQL refuses:
 * in a file that record is rejected (naming the projection) and the rest loads; a message fails
 * permanently. Never an event without its projection row.
 */
class InlineProjectionRefusalTest {

    @TempDir
    Path dir;

    @Test
    void aRecordTheProjectionRefusesIsRejectedNamingItAndTheRestOfTheFileLoads() throws Exception {
        FeedRegistry feeds = FeedRegistry.parse(OrderFold.FEEDS, "feeds.yaml");
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        new ProjectionRebuild(ds, Inlet.projectionReader(ds)).ensure(feeds.projections());
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("refusal").leaseDuration(Duration.ofMinutes(1)).build();
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            String amount = i == 6 ? "twelve" : i + ".25";
            lines.add("{\"id\":\"r" + i + "\",\"type\":\"OrderPlaced\",\"order\":\"o-" + i % 4 + "\",\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"" + amount + "\"}");
        }
        Path file = dir.resolve("orders/refused.jsonl");
        Files.createDirectories(file.getParent());
        Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        LocalFileSource source = new LocalFileSource(dir);

        FileReport r = inlet.ingestFile(source.refFor("drop", file), source, Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(9, 8, 0, 0, 1));
        assertThat(rows(ds, "SELECT line_number || '|' || reason FROM rejected_records")).singleElement().asString()
                .startsWith("6|").contains("projection 'orders_current'").contains("twelve");
        assertThat(rows(ds, "SELECT count(*) FROM order_events")).containsExactly("8");
        assertThat(OrderFold.actual(ds, "orders_current")).isEqualTo(OrderFold.expected(ds));

        InboundMessage m = new InboundMessage("bad", "orders",
                "{\"id\":\"m1\",\"type\":\"OrderPlaced\",\"order\":\"o-1\",\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"NaN-ish\"}", Map.of());
        assertThatThrownBy(() -> inlet.ingestMessage(m)).isInstanceOf(PermanentException.class)
                .hasMessageContaining("projection 'orders_current'");
        assertThat(rows(ds, "SELECT count(*) FROM order_events")).containsExactly("8");
    }

    static List<String> rows(DataSource ds, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
