package io.inlet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded search over the orders in which a marker-gated set's notifications come: members notified
 * before or after the marker, each notification redelivered up to three times, the marker redelivered,
 * and an object uploaded to the prefix after the marker's notification was handled. Each trial is
 * compared with a model written from the rule, not from the code: the set is the objects uploaded
 * before the marker; it loads once, with the marker's first notification, every member's events
 * exactly once; a member's notification before it is HELD, after it ALREADY_COMPLETED; an object
 * uploaded later is HELD for the next set. Replay a failure with {@code -Dfilesets.seed=N}.
 */
class FileSetNotificationOrderSearchTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: search
                bucket: drop
                key_pattern: "search/**"
                set: { marker: _SUCCESS, timeout: 1h }
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                table: events
                shared_streams: true
            """;
    static final int TRIALS = Integer.getInteger("filesets.trials", 20);

    @TempDir
    Path dir;

    /** One step of a trial: an upload (the object appears) or a delivery of its notification. */
    private record Step(boolean upload, Obj obj) {
    }

    /** An object of the trial; {@code late}: uploaded after the marker's first notification was handled. */
    private static final class Obj {
        final String key;
        final String body;
        final int rows;
        final boolean marker;
        final boolean late;
        ObjectRef ref;

        Obj(String key, String body, int rows, boolean marker, boolean late) {
            this.key = key;
            this.body = body;
            this.rows = rows;
            this.marker = marker;
            this.late = late;
        }
    }

    @Test
    void everyOrderOfNotificationsLoadsTheObjectsUploadedBeforeTheMarkerOnceAsOneSet() throws Exception {
        long seed = Long.getLong("filesets.seed", System.nanoTime());
        Random random = new Random(seed);
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "search-feeds.yaml");
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        LocalFileSource source = new LocalFileSource(dir);
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
        for (int t = 0; t < TRIALS; t++) {
            trial(t, random, ds, source, inlet, "seed " + seed + " (replay with -Dfilesets.seed=" + seed + "), trial " + t);
        }
    }

    private void trial(int t, Random random, DataSource ds, LocalFileSource source, Inlet inlet, String replay) throws Exception {
        String prefix = "search/t" + t + "/";
        List<Obj> members = new ArrayList<>();
        int n = 1 + random.nextInt(5);
        for (int m = 0; m < n; m++) members.add(member(prefix, t, "m" + m, random, false));
        Obj marker = new Obj(prefix + "_SUCCESS", random.nextBoolean() ? "" : "run " + t, 0, true, false);
        Obj late = random.nextInt(3) == 0 ? member(prefix, t, "late", random, true) : null;

        // before the marker's upload: the members' uploads, each notification possibly already delivered
        List<Step> steps = new ArrayList<>();
        List<Step> pending = new ArrayList<>();
        List<Obj> order = new ArrayList<>(members);
        Collections.shuffle(order, random);
        for (Obj o : order) {
            steps.add(new Step(true, o));
            int deliveries = 1 + random.nextInt(3);
            for (int d = 0; d < deliveries; d++) {
                Step s = new Step(false, o);
                if (random.nextInt(3) == 0) steps.add(s); else pending.add(s);
            }
        }
        steps.add(new Step(true, marker));
        for (int d = 0, k = 1 + random.nextInt(3); d < k; d++) pending.add(new Step(false, marker));
        Collections.shuffle(pending, random);
        if (late != null) {
            int firstMarker = indexOfFirstMarker(pending);
            int at = firstMarker + 1 + random.nextInt(pending.size() - firstMarker);
            List<Step> after = new ArrayList<>();
            for (int d = 0, k = 1 + random.nextInt(2); d < k; d++) after.add(new Step(false, late));
            pending.add(at, new Step(true, late));
            for (Step s : after) pending.add(at + 1 + random.nextInt(pending.size() - at), s);
        }
        steps.addAll(pending);

        boolean loaded = false;
        for (Step s : steps) {
            if (s.upload()) {
                s.obj().ref = write(source, s.obj());
                continue;
            }
            FileReport r = inlet.ingestFile(s.obj().ref, source, Deadline.none());
            FileOutcome expected;
            if (s.obj().marker) expected = loaded ? FileOutcome.ALREADY_COMPLETED : FileOutcome.COMPLETED;
            else if (s.obj().late) expected = FileOutcome.HELD;
            else expected = loaded ? FileOutcome.ALREADY_COMPLETED : FileOutcome.HELD;
            assertThat(r.outcome()).as("%s: %s of %s (%s)", replay, s.obj().key, describe(steps), r.firstError())
                    .isEqualTo(expected);
            if (s.obj().marker && !loaded) {
                int rows = members.stream().mapToInt(o -> o.rows).sum();
                assertThat(r.firstError()).as(replay).contains("loaded: " + n + " member(s), " + rows + " event(s)");
                loaded = true;
            }
        }

        for (Obj o : members) {
            assertThat(count(ds, "SELECT count(*) FROM events WHERE stream_id LIKE 'order-" + idPrefix(o) + "%'"))
                    .as("%s: events of %s", replay, o.key).isEqualTo(o.rows);
        }
        if (late != null) {
            assertThat(count(ds, "SELECT count(*) FROM events WHERE stream_id LIKE 'order-" + idPrefix(late) + "%'"))
                    .as("%s: events of the late %s", replay, late.key).isZero();
        }
        assertThat(strings(ds, "SELECT status FROM file_sets WHERE prefix = '" + prefix + "' ORDER BY set_id")).as(replay)
                .isEqualTo(late == null ? List.of("LOADED") : List.of("LOADED", "WAITING"));
        assertThat(strings(ds, "SELECT f.object_key FROM file_set_members m JOIN ingested_files f USING (file_id) "
                + "JOIN file_sets s USING (set_id) WHERE s.prefix = '" + prefix + "' AND s.status = 'LOADED' ORDER BY 1"))
                .as(replay).containsExactlyElementsOf(members.stream().map(o -> o.key).sorted().toList());
        assertThat(count(ds, "SELECT count(*) FROM ingested_files WHERE object_key LIKE '" + prefix + "%'"))
                .as("%s: one ledger row per object version", replay).isEqualTo(n + 1 + (late == null ? 0 : 1));
    }

    private static int indexOfFirstMarker(List<Step> steps) {
        for (int i = 0; i < steps.size(); i++) if (steps.get(i).obj().marker) return i;
        throw new IllegalStateException("no marker delivery");
    }

    private static Obj member(String prefix, int t, String name, Random random, boolean late) {
        int rows = 1 + random.nextInt(3);
        StringBuilder body = new StringBuilder("order_id,customer,at\n");
        for (int i = 0; i < rows; i++) body.append("t").append(t).append('-').append(name).append('-').append(i)
                .append(",c,2024-01-01T00:00:00Z\n");
        return new Obj(prefix + name + ".csv", body.toString(), rows, false, late);
    }

    private static String idPrefix(Obj o) {
        String name = o.key.substring(o.key.lastIndexOf('/') + 1, o.key.length() - ".csv".length());
        return o.key.split("/")[1] + "-" + name + "-";
    }

    private static String describe(List<Step> steps) {
        StringBuilder s = new StringBuilder();
        for (Step step : steps) {
            s.append(step.upload() ? " put " : " notify ").append(step.obj().key.substring(step.obj().key.lastIndexOf('/') + 1));
        }
        return s.toString().trim();
    }

    private ObjectRef write(LocalFileSource source, Obj o) throws Exception {
        Path file = dir.resolve(o.key);
        Files.createDirectories(file.getParent());
        Files.write(file, o.body.getBytes(StandardCharsets.UTF_8));
        return source.refFor("drop", file);
    }

    private static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(DataSource ds, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
