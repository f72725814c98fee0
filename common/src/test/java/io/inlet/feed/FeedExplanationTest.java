package io.inlet.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeedExplanationTest {

    static final FeedRegistry FEEDS = FeedRegistry.parse("""
            version: 1
            feeds:
              - name: daily
                bucket: drop
                key_pattern: "acme/daily/*.csv"
                format: { type: csv }
                mapping: { event_type: T, stream_id: "s-{id}", occurred_at: { column: at, formats: [iso] }, id: { strategy: column, column: id } }
                table: events
              - name: all-acme
                bucket: drop
                key_pattern: "acme/**"
                format: { type: csv }
                mapping: { event_type: T, stream_id: "s-{id}", occurred_at: { column: at, formats: [iso] }, id: { strategy: column, column: id } }
                table: events
            """, "test.yaml");

    @Test
    void theFirstMatchingFeedTakesTheKeyAndALaterOneIsShadowed() {
        List<FeedExplanation.Verdict> v = FeedExplanation.explain(FEEDS, "drop", "acme/daily/2026-11-20.csv");
        assertThat(v).extracting(FeedExplanation.Verdict::kind)
                .containsExactly(FeedExplanation.Kind.TAKES, FeedExplanation.Kind.SHADOWED);
        assertThat(v.get(1).why()).contains("feed 'daily' comes first");
    }

    @Test
    void aGlobMismatchNamesThePartOfThePatternAndOfTheKey() {
        List<FeedExplanation.Verdict> v = FeedExplanation.explain(FEEDS, "drop", "acme/weekly/x.csv");
        assertThat(v.get(0).kind()).isEqualTo(FeedExplanation.Kind.GLOB_MISMATCH);
        assertThat(v.get(0).why()).contains("part 2 of the pattern, 'daily', does not match 'weekly'");
        assertThat(v.get(1).kind()).isEqualTo(FeedExplanation.Kind.TAKES);
        assertThat(FeedExplanation.explain(FEEDS, "drop", "acme/daily/sub/x.csv").get(0).why())
                .contains("part 3 of the pattern, '*.csv', is its last, but the key goes on");
        assertThat(FeedExplanation.explain(FEEDS, "drop", "acme/daily/x.json").get(0).why())
                .contains("part 3 of the pattern, '*.csv', does not match 'x.json'");
    }

    @Test
    void aBucketMismatchSaysWhichBucketTheFeedWants() {
        assertThat(FeedExplanation.explain(FEEDS, "other", "acme/daily/x.csv")).allSatisfy(v -> {
            assertThat(v.kind()).isEqualTo(FeedExplanation.Kind.BUCKET_MISMATCH);
            assertThat(v.why()).isEqualTo("bucket 'drop', not 'other'");
        });
    }
}
