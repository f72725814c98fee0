package io.inlet.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.feed.FeedRegistry;
import io.inlet.testing.Samples;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SweepTargetsTest {

    @Test
    void everyKeyAFeedTakesIsUnderExactlyOneTarget() {
        FeedRegistry feeds = Samples.feeds();
        List<SweepTargets.Target> targets = SweepTargets.of(feeds);
        Random r = new Random(7);
        String[] parts = {"acme/", "globex/", "initech/", "umbrella/", "billing/", "orders", ".csv", ".jsonl", ".json", "x", "/", "2026-"};
        int matched = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder key = new StringBuilder();
            for (int n = 1 + r.nextInt(4); n > 0; n--) key.append(parts[r.nextInt(parts.length)]);
            String k = key.toString();
            for (var feed : feeds.feeds()) {
                if (!feed.match().matches(feed.match().bucket(), k)) continue;
                matched++;
                assertThat(targets.stream().filter(t -> t.bucket().equals(feed.match().bucket()) && k.startsWith(t.prefix())))
                        .as(k).hasSize(1);
            }
        }
        assertThat(matched).isGreaterThan(100);
    }

    @Test
    void thePrefixIsTheTextBeforeTheFirstWildcard() {
        assertThat(SweepTargets.literalPrefix("acme/**")).isEqualTo("acme/");
        assertThat(SweepTargets.literalPrefix("acme/orders-?.csv")).isEqualTo("acme/orders-");
        assertThat(SweepTargets.literalPrefix("exact/key.csv")).isEqualTo("exact/key.csv");
        assertThat(SweepTargets.literalPrefix("**")).isEmpty();
    }
}
