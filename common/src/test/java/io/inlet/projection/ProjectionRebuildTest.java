package io.inlet.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.InboundMessage;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code inlet projection rebuild}: a table from history, swapped in atomically while appends go on. */
class ProjectionRebuildTest {

    FeedRegistry feeds;
    DataSource ds;
    Inlet inlet;
    CommittedEvents reader;
    Projection inline;
    Projection async;
    final AtomicInteger ids = new AtomicInteger();

    @BeforeEach
    void setUp() {
        feeds = FeedRegistry.parse(OrderFold.FEEDS, "feeds.yaml");
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        reader = Inlet.projectionReader(ds);
        new ProjectionRebuild(ds, reader).ensure(feeds.projections());
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("rebuild-test").leaseDuration(Duration.ofMinutes(1)).build();
        inline = feeds.projections().named("orders_current").orElseThrow();
        async = feeds.projections().named("orders_async").orElseThrow();
    }

    void append(int n) {
        for (int i = 0; i < n; i++) {
            int id = ids.incrementAndGet();
            String type = new String[]{"OrderPlaced", "ItemAdded", "OrderShipped", "ItemAdded"}[id % 4];
            inlet.ingestMessage(new InboundMessage("m" + id, "orders", "{\"id\":\"e" + id + "\",\"type\":\"" + type + "\",\"order\":\"o-"
                    + id % 13 + "\",\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"" + id + ".5\",\"qty\":" + (id % 3 + 1) + "}", Map.of()));
        }
    }

    @Test
    void aRebuildYieldsTheSameTable() throws Exception {
        append(120);
        new AsyncProjector(ds, reader).run(async, Integer.MAX_VALUE, 25);
        Map<String, String> before = OrderFold.actual(ds, "orders_current");
        assertThat(before).hasSize(13).isEqualTo(OrderFold.expected(ds));

        RebuildReport r = new ProjectionRebuild(ds, reader).rebuild(inline);
        new ProjectionRebuild(ds, reader).rebuild(async);

        assertThat(r.rows()).isEqualTo(13);
        assertThat(r.events()).isEqualTo(120);
        assertThat(OrderFold.actual(ds, "orders_current")).isEqualTo(before);
        assertThat(OrderFold.actual(ds, "orders_async")).isEqualTo(before);
    }

    @Test
    void appendsRunningThroughARebuildAreNeitherMissedNorAppliedTwice() throws Exception {
        append(200);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            writers.add(pool.submit(() -> {
                while (!stop.get()) append(1);
                return null;
            }));
        }
        AsyncProjector projector = new AsyncProjector(ds, reader);
        writers.add(pool.submit(() -> {
            while (!stop.get()) projector.run(async, 10, 5);
            return null;
        }));
        ProjectionRebuild rebuild = new ProjectionRebuild(ds, reader);
        // appends that land between the last unlocked catch-up and the swap must be caught up under the lock
        rebuild.beforeSwap(() -> append(5));
        RebuildReport inlineReport = rebuild.rebuild(inline);
        RebuildReport asyncReport = rebuild.rebuild(async);
        append(5);
        stop.set(true);
        for (Future<?> f : writers) f.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        projector.run(async, Integer.MAX_VALUE, 50);

        assertThat(inlineReport.caughtUp() + asyncReport.caughtUp()).as("appends landed while the rebuilds ran").isPositive();
        Map<String, String> fold = OrderFold.expected(ds);
        assertThat(OrderFold.actual(ds, "orders_current")).isEqualTo(fold);
        assertThat(OrderFold.actual(ds, "orders_async")).isEqualTo(fold);
    }

    @Test
    void aTableOfTheSameNameThatInletDidNotBuildIsLeftAlone() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE inlet.someone_elses (id int)");
        }
        Projection p = new Projection("someone_elses", "someone_elses", "order_events", ProjectionMode.INLINE, inline.columns(),
                inline.handlers(), "feeds.yaml: line 1: projection 'someone_elses'");
        assertThatThrownBy(() -> new ProjectionRebuild(ds, reader).rebuild(p)).isInstanceOf(ProjectionRebuildException.class)
                .hasMessageContaining("exists and is not a projection Inlet built");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT id FROM inlet.someone_elses");
        }
    }

    @Test
    void aSecondRebuildOfTheSameProjectionIsRefusedWhileOneRuns() throws Exception {
        append(10);
        ProjectionRebuild first = new ProjectionRebuild(ds, reader);
        AtomicBoolean refused = new AtomicBoolean();
        first.beforeSwap(() -> {
            try {
                new ProjectionRebuild(ds, reader).rebuild(inline);
            } catch (ProjectionRebuildException e) {
                refused.set(e.getMessage().contains("another rebuild"));
            }
        });
        first.rebuild(inline);
        assertThat(refused).isTrue();
        assertThat(OrderFold.actual(ds, "orders_current")).isEqualTo(OrderFold.expected(ds));
    }
}
