package io.inlet.cli;

import static io.inlet.cli.BucketIngestTest.csv;
import static io.inlet.cli.BucketIngestTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local file is its key (the path under --root) and its bytes (SHA-256): a {@code touch} or a
 * {@code cp} of the same bytes changes nothing, changed bytes are a new version. Paths are relative
 * to the current directory, a literal name wins over a glob, links never lead out of --root.
 */
class LocalFileIdentityTest {

    @TempDir
    Path outside;
    DataSource ds;
    String url;
    Path root;
    Path feeds;

    @BeforeEach
    void setUp() throws Exception {
        ds = TestDatabase.fresh("order_events");
        url = TestDatabase.settingsFor(ds).url();
        // under the current directory (the module's), so targets can be given relative to it
        Files.createDirectories(Path.of("target"));
        root = Path.of("").toAbsolutePath().relativize(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "local-identity"));
        Files.createDirectories(root.resolve("orders"));
        feeds = root.resolve("feeds.yaml");
        Files.writeString(feeds, BucketIngestTest.FEEDS.formatted("drop"));
    }

    @AfterEach
    void clean() throws Exception {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private BucketIngestTest.Run ingest(String... targets) {
        String[] args = new String[targets.length + 7];
        args[0] = "ingest";
        System.arraycopy(targets, 0, args, 1, targets.length);
        int i = targets.length + 1;
        args[i++] = "--root";
        args[i++] = root.toString();
        args[i++] = "--feeds";
        args[i++] = feeds.toString();
        args[i++] = "--database-url";
        args[i] = url;
        return run(args);
    }

    private long events() throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM order_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void touchAndCopyOfTheSameBytesAppendNothingAndChangedBytesAreANewVersion() throws Exception {
        Path file = root.resolve("orders/a.csv");
        Files.writeString(file, csv("1", "2"));
        BucketIngestTest.Run first = ingest(file.toString());
        assertThat(first.code()).as(first.out()).isZero();
        assertThat(first.out()).contains("orders/a.csv").contains("COMPLETED");
        assertThat(events()).isEqualTo(2);

        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(3600))); // touch
        assertThat(ingest(file.toString()).out()).contains("ALREADY_COMPLETED");
        Path copy = outside.resolve("a-copy.csv");
        Files.writeString(copy, csv("1", "2"));
        Files.copy(copy, file, StandardCopyOption.REPLACE_EXISTING); // cp of the same bytes over it
        assertThat(ingest(file.toString()).out()).contains("ALREADY_COMPLETED");
        assertThat(events()).as("position ids: a new identity would have appended both records again").isEqualTo(2);

        Files.writeString(file, csv("1", "2", "3"));
        assertThat(ingest(file.toString()).out()).contains(" COMPLETED");
        assertThat(events()).as("changed bytes are a new version of the key").isEqualTo(5);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT etag FROM ingested_files ORDER BY file_id")) {
            rs.next();
            assertThat(rs.getString(1)).matches("sha256:[0-9a-f]{64}");
        }
    }

    @Test
    void aFileLoadedBeforeContentIdentityIsNotLoadedAgainAfterTheUpgrade() throws Exception {
        Path file = root.resolve("orders/old.csv");
        Files.writeString(file, csv("1", "2"));
        assertThat(ingest(file.toString()).code()).isZero();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            // as a version before issue 13 left it: the etag was size-mtime
            st.execute("UPDATE ingested_files SET etag = '14-1733000000000' WHERE object_key = 'orders/old.csv'");
        }
        BucketIngestTest.Run again = ingest(file.toString());
        assertThat(again.out()).contains("ALREADY_COMPLETED");
        assertThat(events()).as("position ids: loading the same bytes again would have doubled them").isEqualTo(2);

        Files.writeString(file, csv("1", "2", "3"));
        assertThat(ingest(file.toString()).out()).contains(" COMPLETED");
        assertThat(events()).as("changed bytes are still a new version").isEqualTo(5);
    }

    @Test
    void pathsAreRelativeToTheCurrentDirectoryAndKeysToTheRoot() throws Exception {
        Files.writeString(root.resolve("orders/a.csv"), csv("1"));
        BucketIngestTest.Run fromCwd = ingest(root.resolve("orders/a.csv").toString());
        assertThat(fromCwd.code()).isZero();
        assertThat(fromCwd.out()).contains("orders/a.csv").doesNotContain(root.toString());
        // relative to --root still finds it when nothing of that name is in the current directory
        assertThat(ingest("orders/a.csv").out()).contains("ALREADY_COMPLETED");
    }

    @Test
    void aLiteralFileNameWinsOverAGlob() throws Exception {
        Files.writeString(root.resolve("orders/a*.csv"), csv("1"));
        Files.writeString(root.resolve("orders/ab.csv"), csv("2"));
        BucketIngestTest.Run r = ingest(root.resolve("orders/a*.csv").toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("orders/a*.csv").doesNotContain("orders/ab.csv");
        assertThat(events()).isEqualTo(1);
        BucketIngestTest.Run glob = ingest(root + "/orders/a?.csv");
        assertThat(glob.out()).contains("orders/ab.csv");
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefusedAndNeverRead() throws Exception {
        Path secret = outside.resolve("secret.csv");
        Files.writeString(secret, csv("666"));
        Files.createSymbolicLink(root.resolve("orders/link.csv"), secret);
        Files.createSymbolicLink(root.resolve("orders/dir"), outside);
        Files.writeString(root.resolve("orders/ok.csv"), csv("1"));
        BucketIngestTest.Run dir = ingest(root.resolve("orders").toString());
        assertThat(dir.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(dir.out()).contains("refused").contains("link.csv").contains("orders/ok.csv").doesNotContain("orders/dir");
        BucketIngestTest.Run glob = ingest(root + "/orders/*.csv");
        assertThat(glob.out()).contains("refused").contains("link.csv");
        assertThat(events()).as("only ok.csv was read").isEqualTo(1);
    }
}
