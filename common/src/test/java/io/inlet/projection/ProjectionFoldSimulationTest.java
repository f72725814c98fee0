package io.inlet.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded simulation: random files, redelivered files, conflicting files, messages and their
 * redeliveries, ingests that crash (a commit that fails, then the file resumed), async projector
 * runs that crash before their commit; at the end both projection tables must equal a fold over
 * the stored events written out by hand ({@link OrderFold}), and a rebuild must yield the same
 * tables. Replay one seed with {@code -Dprojection.seed=N}.
 */
class ProjectionFoldSimulationTest {

    static final String[] TYPES = {"OrderPlaced", "OrderShipped", "ItemAdded", "OrderNoted"};

    @TempDir
    Path dir;

    static List<Long> seeds() {
        String fixed = System.getProperty("projection.seed");
        if (fixed != null) return List.of(Long.parseLong(fixed));
        return List.of(1L, 2L, 3L, 20261206L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void readModelsEqualAFoldOverTheEventsAfterFilesRedeliveriesConflictsAndCrashes(long seed) throws Exception {
        Random random = new Random(seed);
        FeedRegistry feeds = FeedRegistry.parse(OrderFold.FEEDS, "sim-feeds.yaml");
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        CommittedEvents reader = Inlet.projectionReader(ds);
        new ProjectionRebuild(ds, reader).ensure(feeds.projections());
        Projection async = feeds.projections().named("orders_async").orElseThrow();
        LocalFileSource source = new LocalFileSource(dir);
        // leases of a second (database time); the simulation's clock moves a minute a step for everything else
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
                java.time.Instant.parse("2026-12-06T00:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("sim").leaseDuration(Duration.ofSeconds(1)).clock(clock).build();
        Inlet crashing = Inlet.builder().dataSource(crashingCommits(ds, random)).feeds(feeds).workerId("sim")
                .leaseDuration(Duration.ofSeconds(1)).clock(clock).build();
        AsyncProjector projector = new AsyncProjector(ds, reader);
        projector.crashBeforeCommit(() -> random.nextInt(4) == 0);

        List<ObjectRef> files = new ArrayList<>();
        List<List<String>> fileLines = new ArrayList<>();
        List<ObjectRef> unfinished = new ArrayList<>();
        List<InboundMessage> messages = new ArrayList<>();
        int[] ids = {0};
        String context = "seed " + seed;
        for (int step = 0; step < 60; step++) {
            now.set(now.get().plusSeconds(60));
            int op = random.nextInt(100);
            if (op < 25 || files.isEmpty()) {
                List<String> lines = lines(random, ids, 1 + random.nextInt(12));
                files.add(write(source, "orders/f" + step + ".jsonl", lines));
                fileLines.add(lines);
                inlet.ingestFile(files.get(files.size() - 1), source, Deadline.none());
            } else if (op < 35) {
                inlet.ingestFile(files.get(random.nextInt(files.size())), source, Deadline.none()); // redelivered
            } else if (op < 45) {
                // a conflicting file: an earlier file's ids with other payloads, plus new events
                List<String> lines = new ArrayList<>();
                for (String l : fileLines.get(random.nextInt(fileLines.size()))) lines.add(l.replace("\"qty\":", "\"qty\":1"));
                lines.addAll(lines(random, ids, 1 + random.nextInt(3)));
                ObjectRef ref = write(source, "orders/conflict" + step + ".jsonl", lines);
                files.add(ref);
                fileLines.add(lines);
                inlet.ingestFile(ref, source, Deadline.none());
            } else if (op < 60) {
                InboundMessage m = random.nextInt(3) == 0 && !messages.isEmpty() ? messages.get(random.nextInt(messages.size()))
                        : new InboundMessage("m" + step, "orders", lines(random, ids, 1).get(0), Map.of());
                messages.add(m);
                inlet.ingestMessage(m);
            } else if (op < 80) {
                List<String> lines = lines(random, ids, 2 + random.nextInt(12));
                ObjectRef ref = write(source, "orders/crash" + step + ".jsonl", lines);
                files.add(ref);
                fileLines.add(lines);
                try {
                    crashing.ingestFile(ref, source, Deadline.none());
                } catch (RuntimeException crashed) {
                    unfinished.add(ref);
                }
            } else if (op < 90 && !unfinished.isEmpty()) {
                // the crashed file resumed; its lease (1 s of database time: the ledger's clock is the server's
                // now(), not this simulation's) may not have lapsed yet on a fast step: then it waits its turn
                ObjectRef resumed = unfinished.remove(0);
                FileReport r = inlet.ingestFile(resumed, source, Deadline.none());
                if (r.outcome().name().equals("IN_PROGRESS_ELSEWHERE")) unfinished.add(resumed);
            } else {
                try {
                    projector.run(async, 1 + random.nextInt(20), 1 + random.nextInt(6));
                } catch (IllegalStateException crashed) {
                    assertThat(crashed).hasMessageContaining("simulated crash");
                }
            }
            // inline: consistent after every step, whatever happened
            assertThat(OrderFold.actual(ds, "orders_current")).as(context + " step " + step).isEqualTo(OrderFold.expected(ds));
        }
        now.set(now.get().plusSeconds(60));
        // every crashed ingest's lease lapses in database time (leases are 1 s of the server's now())
        Thread.sleep(1_500);
        for (ObjectRef ref : unfinished) {
            FileReport r = inlet.ingestFile(ref, source, Deadline.none());
            assertThat(r.outcome().name()).as(context).isIn("COMPLETED", "ALREADY_COMPLETED");
        }
        projector.crashBeforeCommit(() -> false);
        ProjectorReport caughtUp = projector.run(async, Integer.MAX_VALUE, 50);
        assertThat(caughtUp.status()).as(context).isEqualTo(ProjectorReport.Status.CAUGHT_UP);

        Map<String, String> fold = OrderFold.expected(ds);
        assertThat(fold).as(context + ": the simulation must leave streams to compare").hasSizeGreaterThan(3);
        assertThat(OrderFold.actual(ds, "orders_current")).as(context).isEqualTo(fold);
        assertThat(OrderFold.actual(ds, "orders_async")).as(context).isEqualTo(fold);

        ProjectionRebuild rebuild = new ProjectionRebuild(ds, reader);
        rebuild.rebuild(feeds.projections().named("orders_current").orElseThrow());
        rebuild.rebuild(async);
        assertThat(OrderFold.actual(ds, "orders_current")).as(context + " rebuilt").isEqualTo(fold);
        assertThat(OrderFold.actual(ds, "orders_async")).as(context + " rebuilt").isEqualTo(fold);
        assertThat(projector.run(async, Integer.MAX_VALUE, 50).applied()).as(context + ": the rebuild moved the checkpoint").isZero();
    }

    /** JSON lines of new events over a few streams; each type with the fields its projection reads. */
    static List<String> lines(Random random, int[] ids, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String type = TYPES[random.nextInt(TYPES.length)];
            String more = switch (type) {
                case "OrderPlaced" -> ",\"amount\":\"" + random.nextInt(10_000) + "." + random.nextInt(100) + "\"";
                case "ItemAdded" -> ",\"qty\":" + (1 + random.nextInt(5));
                default -> ",\"note\":\"n" + random.nextInt(100) + "\"";
            };
            out.add("{\"id\":\"e-" + ids[0]++ + "\",\"type\":\"" + type + "\",\"order\":\"o-" + random.nextInt(8)
                    + "\",\"at\":\"2026-12-0" + (1 + random.nextInt(5)) + "T10:00:00Z\"" + more + "}");
        }
        return out;
    }

    ObjectRef write(LocalFileSource source, String key, List<String> lines) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return source.refFor("drop", file);
    }

    /** A data source whose connections' commits fail now and then (SQLState 08006: the connection died at the commit). */
    static DataSource crashingCommits(DataSource ds, Random random) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = ds.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("commit") && random.nextInt(3) == 0) {
                                real.rollback();
                                throw new SQLException("simulated crash at the commit", "08006");
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                return getConnection();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                return ds.unwrap(iface);
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) throws SQLException {
                return ds.isWrapperFor(iface);
            }
        };
    }
}
