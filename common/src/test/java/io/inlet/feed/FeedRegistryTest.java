package io.inlet.feed;

import io.inlet.event.MappingSpec;
import io.inlet.event.DerivedRoute;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.parse.RecordFormats;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedRegistryTest {

    private static final Path SAMPLE_FEEDS = Path.of("..", "events-samples", "feeds.yaml");

    @Test
    void sampleFeedsFileLoadsWithEveryFeed() {
        FeedRegistry registry = FeedRegistry.load(SAMPLE_FEEDS);

        assertThat(registry.feeds()).extracting(Feed::name).containsExactly(
                "acme-orders", "globex-orders", "initech-orders", "umbrella-events-jsonl", "umbrella-events-json");
        assertThat(registry.messageFeeds()).extracting(MessageFeed::name).containsExactly("billing");
        assertThat(registry.eventTables()).containsExactly("events", "order_events", "billing_events");
        assertThat(registry.destinations()).containsExactly("orders", "ops");
        assertThat(registry.warnings()).isEmpty();
        assertThat(registry.origin()).isEqualTo("feeds.yaml");
    }

    @Test
    void sampleFeedsCarryTheirFormatsAndPolicies() {
        FeedRegistry registry = FeedRegistry.load(SAMPLE_FEEDS);

        Feed globex = registry.feed("globex-orders").orElseThrow();
        assertThat(globex.format().csv().delimiter()).isEqualTo(';');
        assertThat(globex.mapping().decimalSeparator()).isEqualTo(',');
        assertThat(globex.mapping().occurredAt().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(globex.errors()).isEqualTo(new ErrorPolicy(ErrorPolicy.Kind.ABORT_ABOVE, -1, 20));
        assertThat(registry.feed("initech-orders").orElseThrow().format().charset()).isEqualTo("ISO-8859-1");
        assertThat(registry.feed("initech-orders").orElseThrow().errors()).isEqualTo(ErrorPolicy.SKIP_FILE);
        assertThat(registry.feed("umbrella-events-json").orElseThrow().format().format()).isEqualTo(RecordFormats.JSON_ARRAY);
        assertThat(registry.feed("acme-orders").orElseThrow().derived()).containsExactly(
                new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null),
                new DerivedRoute(DerivedRoute.Kind.SUMMARY, "ops", List.of(), null));
        assertThat(registry.mapper("acme-orders").feedName()).isEqualTo("acme-orders");
        assertThat(registry.mapper("billing").spec().streamId()).isEqualTo("account-{account_id}");
    }

    @Test
    void objectsMatchTheirVendorsFeed() {
        FeedRegistry registry = FeedRegistry.load(SAMPLE_FEEDS);

        assertThat(registry.matchObject("vendor-drop", "acme/2024/orders.csv")).map(Feed::name).contains("acme-orders");
        assertThat(registry.matchObject("vendor-drop", "globex/orders.csv")).map(Feed::name).contains("globex-orders");
        assertThat(registry.matchObject("vendor-drop", "umbrella/day1.jsonl")).map(Feed::name).contains("umbrella-events-jsonl");
        assertThat(registry.matchObject("vendor-drop", "umbrella/day1.json")).map(Feed::name).contains("umbrella-events-json");
        assertThat(registry.matchObject("vendor-drop", "umbrella/2024/day1.json")).isEmpty();
        assertThat(registry.matchObject("other-bucket", "acme/orders.csv")).isEmpty();
        assertThat(registry.matchObject("vendor-drop", "hooli/orders.csv")).isEmpty();
        assertThat(registry.matchMessage("billing")).map(MessageFeed::name).contains("billing");
        assertThat(registry.matchMessage("shipping")).isEmpty();
    }

    @Test
    void overlappingPatternsAreWarnedAndTheFirstFeedInFileOrderWins() {
        String yaml = FeedsFileErrorsTest.VALID + FeedsFileErrorsTest.SECOND_FEED.replace("globex/**", "acme/*/*.csv");

        FeedRegistry registry = FeedRegistry.parse(yaml, "feeds.yaml");

        assertThat(registry.warnings()).containsExactly("feeds.yaml: feeds 'acme-orders' and 'globex-orders' may both match "
                + "keys in bucket 'vendor-drop' (key patterns 'acme/orders/**' and 'acme/*/*.csv'); the first in file order, "
                + "'acme-orders', wins");
        assertThat(registry.matchObject("vendor-drop", "acme/orders/a.csv")).map(Feed::name).contains("acme-orders");
        assertThat(registry.matchObject("vendor-drop", "acme/returns/a.csv")).map(Feed::name).contains("globex-orders");
    }

    @Test
    void defaultsApplyWhenOptionalKeysAreOmitted() {
        String yaml = FeedsFileErrorsTest.SECOND_FEED.replace("  - name", "version: 1\nfeeds:\n  - name");

        Feed feed = FeedRegistry.parse(yaml, "feeds.yaml").feeds().get(0);

        assertThat(feed.table()).isEqualTo("events");
        assertThat(feed.errors()).isEqualTo(ErrorPolicy.CONTINUE);
        assertThat(feed.duplicateContent()).isEqualTo(DuplicateContentPolicy.INGEST);
        assertThat(feed.batchSize()).isEqualTo(5000);
        assertThat(feed.batchBytes()).isEqualTo(4 << 20);
        assertThat(feed.lanes()).isEqualTo(1);
        assertThat(feed.lanesFromBytes()).isEqualTo(8L << 20);
        assertThat(feed.format().csv()).isEqualTo(io.inlet.parse.CsvOptions.DEFAULTS);
        assertThat(feed.format().charset()).isEqualTo("auto");
        assertThat(feed.mapping().occurredAt().formats()).containsExactly("iso");
        assertThat(feed.mapping().payload()).isEqualTo(MappingSpec.PayloadRule.ALL);
        assertThat(feed.mapping().schemaVersion()).isEqualTo(1);
    }

    @Test
    void globOverlapIsExact() {
        assertThat(GlobOverlap.overlaps("acme/**", "acme/*.csv")).isTrue();
        assertThat(GlobOverlap.overlaps("umbrella/*.jsonl", "umbrella/*.json")).isFalse();
        assertThat(GlobOverlap.overlaps("a/*.csv", "a/b/*.csv")).isFalse();
        assertThat(GlobOverlap.overlaps("a/**.csv", "a/b/*.csv")).isTrue();
        assertThat(GlobOverlap.overlaps("a/?.csv", "a/bb.csv")).isFalse();
        assertThat(GlobOverlap.overlaps("a/?/x", "a/*/x")).isTrue();
        assertThat(GlobOverlap.overlaps("x/**", "y/**")).isFalse();
    }
}
