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
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File sets gated by a marker, a manifest or a count: members are held until the gate opens, then
 * the set loads as one unit (every member's events visible together, or none), whatever the order
 * of arrival, redeliveries and overwrites.
 */
class FileSetsTest {

    static final String MAPPING = """
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                table: events
                shared_streams: true
                derived: [ { events: summary, destination: ops } ]
            """;
    static final String FEEDS = "version: 1\nfeeds:\n"
            + "  - name: success\n    bucket: drop\n    key_pattern: \"success/**\"\n    set: { marker: _SUCCESS, timeout: 1h }\n" + MAPPING
            + "  - name: manifest\n    bucket: drop\n    key_pattern: \"manifest/**\"\n    set: { manifest: manifest.json, max_members: 3 }\n" + MAPPING
            + "  - name: counted\n    bucket: drop\n    key_pattern: \"counted/**\"\n    set: { count: 2 }\n" + MAPPING
            + "  - name: owned-json\n    bucket: drop\n    key_pattern: \"owned/**/*.json\"\n" + MAPPING
            + "  - name: owned\n    bucket: drop\n    key_pattern: \"owned/**\"\n    set: { marker: _SUCCESS }\n"
            + "    control_totals:\n      sidecar: { suffix: .ctl, pattern: 'records=(?<n>\\d+)', count: n }\n" + MAPPING;

    @TempDir
    static Path dir;
    static DataSource ds;
    static Inlet inlet;
    static LocalFileSource source;

    @BeforeAll
    static void setUp() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "file-sets-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
    }

    @Test
    void membersBeforeTheMarkerAreHeldThenLoadTogetherWhenItArrives() throws Exception {
        FileReport a = ingest(write("success/d1/a.csv", csv("s1-1", "s1-2")));
        FileReport b = ingest(write("success/d1/b.csv", csv("s1-3")));
        assertThat(List.of(a.outcome(), b.outcome())).containsOnly(FileOutcome.HELD);
        assertThat(events("s1-")).isZero();

        FileReport marker = ingest(write("success/d1/_SUCCESS", ""));

        assertThat(marker.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(marker.firstError()).contains("loaded: 2 member(s), 3 event(s)");
        assertThat(events("s1-")).isEqualTo(3);
        assertThat(statuses("success/d1/")).containsOnly("COMPLETED");
        assertThat(setStatus("success/d1/")).containsExactly("LOADED");
    }

    @Test
    void redeliveredMembersAndMarkersAreIdempotentBeforeAndAfterTheLoad() throws Exception {
        ObjectRef a = write("success/d2/a.csv", csv("s2-1"));
        assertThat(ingest(a).outcome()).isEqualTo(FileOutcome.HELD);
        assertThat(ingest(a).outcome()).isEqualTo(FileOutcome.HELD);
        ObjectRef marker = write("success/d2/_SUCCESS", "");
        assertThat(ingest(marker).outcome()).isEqualTo(FileOutcome.COMPLETED);

        assertThat(ingest(a).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(ingest(marker).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(events("s2-")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM file_set_members m JOIN ingested_files f USING (file_id) "
                + "WHERE f.object_key LIKE 'success/d2/%'")).isEqualTo(1);
    }

    @Test
    void aMemberOverwrittenAfterTheLoadWaitsForTheNextMarkerVersionAsASecondSet() throws Exception {
        ingest(write("success/d3/a.csv", csv("s3-1")));
        ingest(write("success/d3/_SUCCESS", "run 1"));
        assertThat(events("s3-")).isEqualTo(1);

        FileReport overwrite = ingest(write("success/d3/a.csv", csv("s3-1", "s3-2")));
        assertThat(overwrite.outcome()).isEqualTo(FileOutcome.HELD);
        assertThat(events("s3-")).isEqualTo(1);
        ingest(write("success/d3/_SUCCESS", "run 2"));

        assertThat(events("s3-")).isEqualTo(2);
        assertThat(setStatus("success/d3/")).containsExactly("LOADED", "LOADED");
    }

    @Test
    void aManifestBeforeItsMembersLoadsTheSetWhenTheLastListedMemberArrives() throws Exception {
        String a = csv("m1-1");
        String b = csv("m1-2", "m1-3");
        assertThat(ingest(write("manifest/d1/manifest.json", manifest("a.csv", a, "b.csv", b))).outcome())
                .isEqualTo(FileOutcome.HELD);
        assertThat(ingest(write("manifest/d1/b.csv", b)).outcome()).isEqualTo(FileOutcome.HELD);
        assertThat(events("m1-")).isZero();

        FileReport last = ingest(write("manifest/d1/a.csv", a));

        assertThat(last.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(events("m1-")).isEqualTo(3);
        assertThat(statuses("manifest/d1/")).containsOnly("COMPLETED");
    }

    @Test
    void aMemberWhoseChecksumDiffersFromTheManifestRejectsTheSetNamingItAndLoadsNothing() throws Exception {
        String a = csv("m2-1");
        String b = csv("m2-2");
        ingest(write("manifest/d2/a.csv", a));
        ingest(write("manifest/d2/b.csv", b.replace("m2-2", "m2-X"))); // same size, not what the manifest hashed
        FileReport m = ingest(write("manifest/d2/manifest.json", manifest("a.csv", a, "b.csv", b)));

        assertThat(m.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(m.firstError()).contains("member manifest/d2/b.csv: sha256");
        assertThat(events("m2-")).isZero();
        assertThat(statuses("manifest/d2/")).containsOnly("REJECTED");
        assertThat(count("SELECT count(*) FROM outbox WHERE event_type = 'FileSetRejected' AND payload->>'prefix' = 'manifest/d2/'"))
                .isEqualTo(1);
    }

    @Test
    void aSetAboveItsMemberBoundIsRejectedClearly() throws Exception {
        List<String> names = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            names.add("p" + i + ".csv");
            bodies.add(csv("m3-" + i));
            ingest(write("manifest/d3/p" + i + ".csv", bodies.get(i - 1)));
        }
        FileReport m = ingest(write("manifest/d3/manifest.json", manifest(names.get(0), bodies.get(0), names.get(1),
                bodies.get(1), names.get(2), bodies.get(2), names.get(3), bodies.get(3))));

        assertThat(m.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(m.firstError()).contains("4 members, more than max_members 3");
        assertThat(events("m3-")).isZero();
    }

    @Test
    void aMemberTheUsualPathRejectsRollsBackTheMembersLoadedBeforeIt() throws Exception {
        ingest(write("counted/d1/a.csv", csv("c1-1", "c1-2")));
        FileReport second = ingest(write("counted/d1/b.csv", "order_id,customer\nc1-3,x\n")); // no 'at' column

        assertThat(second.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(second.firstError()).contains("member counted/d1/b.csv rejected").contains("'at'");
        assertThat(events("c1-")).isZero();
        assertThat(statuses("counted/d1/")).containsOnly("REJECTED");
    }

    @Test
    void aCountGatedSetLoadsWithItsLastMember() throws Exception {
        assertThat(ingest(write("counted/d2/a.csv", csv("c2-1"))).outcome()).isEqualTo(FileOutcome.HELD);
        assertThat(ingest(write("counted/d2/b.csv", csv("c2-2"))).outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(events("c2-")).isEqualTo(2);
    }

    @Test
    void aMarkerNotifiedBeforeItsMembersLoadsEveryObjectUnderItsPrefixOnceAndTheMembersNotificationsAreDuplicates()
            throws Exception {
        ObjectRef a = write("success/d4/a.csv", csv("s4-1", "s4-2"));
        ObjectRef b = write("success/d4/b.csv", csv("s4-3"));
        write("success/d4/deeper/c.csv", csv("s4-9")); // another prefix: another set
        ObjectRef marker = write("success/d4/_SUCCESS", "");

        FileReport closed = ingest(marker);

        assertThat(closed.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(closed.firstError()).contains("loaded: 2 member(s), 3 event(s)");
        assertThat(events("s4-")).isEqualTo(3);
        assertThat(ingest(b).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(ingest(a).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(ingest(marker).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(events("s4-")).isEqualTo(3);
        assertThat(setStatus("success/d4/")).containsExactly("LOADED");
        assertThat(statuses("success/d4/")).containsOnly("COMPLETED");
        assertThat(count("SELECT count(*) FROM ingested_files WHERE object_key LIKE 'success/d4/%'")).isEqualTo(3);
    }

    @Test
    void sidecarsOtherFeedsFilesAndTheMarkerAreNotMembersOfTheListedSet() throws Exception {
        write("owned/d1/a.csv", csv("o1-1", "o1-2"));
        write("owned/d1/a.csv.ctl", "records=2");
        write("owned/d1/other.json", "{}");
        write("owned/d1/.inlet-receipt.tmp", "half a receipt");

        FileReport closed = ingest(write("owned/d1/_SUCCESS", ""));

        assertThat(closed.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(closed.firstError()).contains("loaded: 1 member(s), 2 event(s)");
        assertThat(events("o1-")).isEqualTo(2);
        assertThat(strings("SELECT f.object_key FROM file_set_members m JOIN ingested_files f USING (file_id) "
                + "WHERE f.object_key LIKE 'owned/d1/%'")).containsExactly("owned/d1/a.csv");
    }

    static String csv(String... ids) {
        StringBuilder s = new StringBuilder("order_id,customer,at\n");
        for (String id : ids) s.append(id).append(",c,2024-01-01T00:00:00Z\n");
        return s.toString();
    }

    static String manifest(String... nameAndBody) throws Exception {
        StringBuilder s = new StringBuilder("{\"members\": [");
        for (int i = 0; i < nameAndBody.length; i += 2) {
            byte[] bytes = nameAndBody[i + 1].getBytes(StandardCharsets.UTF_8);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            if (i > 0) s.append(',');
            s.append("{\"name\":\"").append(nameAndBody[i]).append("\",\"size\":").append(bytes.length)
                    .append(",\"sha256\":\"").append(sha).append("\"}");
        }
        return s.append("]}").toString();
    }

    FileReport ingest(ObjectRef ref) {
        return inlet.ingestFile(ref, source, Deadline.none());
    }

    ObjectRef write(String key, String content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return source.refFor("drop", file);
    }

    static long events(String idPrefix) throws Exception {
        return count("SELECT count(*) FROM events WHERE stream_id LIKE 'order-" + idPrefix + "%'");
    }

    static List<String> statuses(String prefix) throws Exception {
        return strings("SELECT status FROM ingested_files WHERE object_key LIKE '" + prefix + "%' ORDER BY file_id");
    }

    static List<String> setStatus(String prefix) throws Exception {
        return strings("SELECT status FROM file_sets WHERE prefix = '" + prefix + "' ORDER BY set_id");
    }

    static long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String> strings(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
