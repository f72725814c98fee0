package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import io.inlet.event.EventMapper;
import io.inlet.event.RecordContext;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * The ceiling of appending one file over several connections: the orders file of
 * {@link IngestBench}, mapped once (not timed), is split by stream into N lanes (stream hash mod N);
 * each lane appends its events with {@link EventStore#append} in batches on its own connection, all
 * lanes at once, each into its own event table ({@code order_events_0}, ...), so no lock of any kind
 * is shared between them: the figure is what N backends appending at once can do on this server.
 * It is what justified Inlet's lanes (feed key {@code lanes}; {@link IngestBench} measures them end
 * to end, with their partition locks, checkpoints, reading and mapping). Same total rows and batch
 * size for every N.
 *
 * <p>Settings: bench.rows (300000), bench.batch (2500 per lane transaction), bench.lanes ("1,2,3").
 */
public final class LanesBench {

    private LanesBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 300_000);
        int batch = Integer.getInteger("bench.batch", 2_500);
        String lanesSetting = System.getProperty("bench.lanes", "1,2,3");
        Path dir = Files.createTempDirectory("inlet-lanes-bench");
        IngestBench bench = new IngestBench(dir);
        Path file = bench.generate("orders/lanes.csv", rows);
        LocalFileSource source = new LocalFileSource(dir);
        ObjectRef ref = source.refFor(LocalFileSource.BUCKET, file);
        FeedRegistry registry = IngestBench.feeds(false);
        Feed feed = registry.feed(IngestBench.FEED).orElseThrow();
        EventMapper mapper = registry.mapper(IngestBench.FEED);
        RecordContext ctx = new RecordContext(IngestBench.FEED, ref, ref.displayName(), "bench", "file-1", Instant.now());
        List<EventEnvelope> events = new ArrayList<>();
        try (RecordReader reader = RecordReaders.open(feed.format(), ref.displayName(), from -> source.open(ref, from),
                ResumePoint.START)) {
            for (ReadItem item; (item = reader.next()) != null; ) events.add(mapper.map((RawRecord) item, ctx));
        }
        Files.delete(file);
        System.out.printf(Locale.ROOT, "lanes bench: %d events, %d per transaction; server PostgreSQL %s; cpus %d%n", rows,
                batch, AppendBench.serverVersion(), Runtime.getRuntime().availableProcessors());
        double single = 0;
        for (String setting : lanesSetting.split("\\s*,\\s*")) {
            int lanes = Integer.parseInt(setting);
            List<String> tables = new ArrayList<>();
            for (int l = 0; l < lanes; l++) tables.add("order_events_" + l);
            DataSource ds = TestDatabase.fresh(tables);
            List<List<EventEnvelope>> perLane = new ArrayList<>();
            for (int l = 0; l < lanes; l++) perLane.add(new ArrayList<>());
            for (EventEnvelope e : events) perLane.get(Math.floorMod(e.streamId().hashCode(), lanes)).add(e);
            ExecutorService pool = Executors.newFixedThreadPool(lanes);
            long t0 = System.nanoTime();
            List<Future<Void>> running = new ArrayList<>();
            for (int l = 0; l < lanes; l++) {
                String table = tables.get(l);
                List<EventEnvelope> lane = perLane.get(l);
                running.add(pool.submit(() -> {
                    EventStore store = new EventStore();
                    try (Transactions.Session session = new Transactions(ds).session()) {
                        for (int i = 0; i < lane.size(); i += batch) {
                            List<EventEnvelope> part = lane.subList(i, Math.min(lane.size(), i + batch));
                            session.inTransaction(c -> store.append(c, table, part, List.of()));
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : running) f.get();
            pool.shutdown();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long stored = 0;
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                for (String t : tables) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
                        rs.next();
                        stored += rs.getLong(1);
                    }
                }
            }
            if (stored != rows) throw new IllegalStateException(lanes + " lanes stored " + stored + " events, expected " + rows);
            double rate = rows / seconds;
            if (lanes == 1) single = rate;
            System.out.printf(Locale.ROOT, "%d lane(s): %d events in %.2f s = %.0f rows/s%s%n", lanes, stored, seconds, rate,
                    single > 0 ? String.format(Locale.ROOT, " (x%.2f of one lane)", rate / single) : "");
            AppendBench.drop(ds);
        }
    }
}
