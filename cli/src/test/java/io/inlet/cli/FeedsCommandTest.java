package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet feeds check | explain}: no database is given, none is started. */
class FeedsCommandTest {

    @TempDir
    Path tmp;

    final String feeds = Samples.root().resolve("feeds.yaml").toString();

    @Test
    void checkValidatesAFeedsFileWithoutADatabase() {
        CliRun r = CliRun.of("feeds", "check", "--feeds", feeds, "--data-dir", tmp.resolve("never-created").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("valid: 5 file feed(s), 1 message feed(s)", "acme-orders (file): vendor-drop/acme/**");
        assertThat(r.err()).doesNotContain("PostgreSQL");
        assertThat(tmp.resolve("never-created")).doesNotExist();
    }

    @Test
    void checkOfAnInvalidFeedsFileExitsThreeNamingTheField() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), Files.readString(Path.of(feeds)).replace("table: order_events", "table: ingested_files"));
        CliRun r = CliRun.of("feeds", "check", "--feeds", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains("ingested_files");
    }

    @Test
    void checkWithASampleMapsEveryRecordAndListsTheRejects() throws Exception {
        Path sample = Samples.files().resolve("acme/orders-malformed.csv");
        Path dir = Files.createDirectories(tmp.resolve("acme"));
        Files.copy(sample, dir.resolve("orders-malformed.csv"));
        CliRun r = CliRun.of("feeds", "check", "--feeds", feeds, "--sample", sample.toString(), "--feed", "acme-orders", "--json");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("sample").get("records").asLong()).isEqualTo(10);
        assertThat(doc.get("sample").get("rejected").asLong()).isEqualTo(7);
        assertThat(doc.get("sample").get("events")).hasSize(3);
        assertThat(doc.get("sample").get("rejects").get(0).get("line").asLong()).isEqualTo(3);
        CliRun good = CliRun.of("feeds", "check", "--feeds", feeds, "--sample", Samples.files().resolve("acme/orders-quoted.csv").toString(),
                "--feed", "acme-orders");
        assertThat(good.code()).as(good.toString()).isZero();
        assertThat(good.out()).contains("7 record(s), 0 rejected");
    }

    @Test
    void explainSaysWhichFeedTakesAKeyAndWhyNotTheOthers() {
        CliRun r = CliRun.of("feeds", "explain", "s3://vendor-drop/globex/orders-1.csv", "--feeds", feeds);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("vendor-drop/globex/orders-1.csv: taken by feed 'globex-orders'")
                .containsPattern("no +acme-orders: GLOB_MISMATCH: part 1 of the pattern, 'acme', does not match 'globex'");
        CliRun other = CliRun.of("feeds", "explain", "acme/x.csv", "--bucket", "elsewhere", "--feeds", feeds);
        assertThat(other.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(other.out()).contains("no feed takes it", "BUCKET_MISMATCH: bucket 'vendor-drop', not 'elsewhere'");
    }
}
