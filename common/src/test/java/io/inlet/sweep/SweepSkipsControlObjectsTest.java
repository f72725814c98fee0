package io.inlet.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.feed.FeedRegistry;
import io.inlet.source.ListedObject;
import io.inlet.source.ObjectLister;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The sweep compares vendor files with the ledger; the receipts Inlet writes under a feed's
 * receipt prefix and the control-total sidecars of its data keys are not vendor files, so they
 * are never findings (and never redriven).
 */
class SweepSkipsControlObjectsTest {

    static final String MAPPING = """
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all }
                table: events
            """;

    static final String FEEDS = "version: 1\nfeeds:\n" + """
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: csv }
                receipts: { prefix: orders/receipts/ }
                control_totals:
                  sidecar: { suffix: .ctl, pattern: 'records=(?<n>\\d+)', count: n, wait: PT1H }
            """ + MAPPING;

    static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void receiptsAndSidecarsUnderTheSweptPrefixAreNeverFindingsButTheirDataFilesAre() throws Exception {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "sweep-control-feeds.yaml");
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        List<String> keys = List.of(
                "orders/a.csv",                                   // data, never seen: a finding
                "orders/a.csv.ctl",                               // its sidecar: control
                "orders/receipts/orders/a.csv.receipt.json",      // receipts Inlet wrote: control
                "orders/receipts/orders/a.csv.receipt.csv",
                "orders/receipts/anything-else",                  // under the receipt prefix: Inlet's, never data
                "orders/receipt.json",                            // a vendor file named like a receipt, outside the prefix: data
                "orders/sub/c.csv");                              // data

        SweepReport withFeeds = new Sweeper(lister(keys), new SweepLedger(ds), feeds).sweep("drop", "orders/", Sweep.Window.ALL);

        assertThat(withFeeds.missing()).extracting(i -> i.object().ref().key())
                .containsExactly("orders/a.csv", "orders/receipt.json", "orders/sub/c.csv");
        assertThat(withFeeds.missing()).extracting(SweepItem::finding).containsOnly(Finding.NEVER_SEEN);
        assertThat(withFeeds.listed()).isEqualTo(3);
        for (String key : keys) {
            boolean finding = withFeeds.missing().stream().anyMatch(i -> i.object().ref().key().equals(key));
            assertThat(finding).as(key).isEqualTo(feeds.controlOwner("drop", key).isEmpty());
        }

        // without the feeds nothing is known to be control data: every object is compared
        SweepReport blind = new Sweeper(lister(keys), new SweepLedger(ds)).sweep("drop", "orders/", Sweep.Window.ALL);
        assertThat(blind.missing()).hasSize(keys.size());
    }

    static ObjectLister lister(List<String> keys) {
        return new ObjectLister() {
            @Override
            public void list(String bucket, String prefix, Consumer<ListedObject> each) {
                for (String k : keys) {
                    if (k.startsWith(prefix)) each.accept(new ListedObject(new ObjectRef(bucket, k, null, "e-" + k, 10L), T));
                }
            }

            @Override
            public Optional<ListedObject> stat(String bucket, String key, String version) {
                return Optional.empty();
            }
        };
    }
}
