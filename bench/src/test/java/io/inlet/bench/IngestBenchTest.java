package io.inlet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few thousand rows through every variant: each must store exactly the file's rows (no timings asserted). */
class IngestBenchTest {

    @TempDir
    Path dir;

    @Test
    void everyVariantStoresExactlyTheRowsOfTheFileAndTheSecondPassesAppendNothing() throws Exception {
        IngestBench bench = new IngestBench(dir);
        Path file = bench.generate("orders/smoke.csv", 2_500);

        // runAll verifies each load itself (row count, outbox rows, checksum equal to the COPY load) and throws otherwise
        List<IngestBench.Result> results = bench.runAll(file, 2_500, false);

        assertThat(results).filteredOn(r -> r.variant().startsWith("(b) Inlet")).extracting(IngestBench.Result::detail)
                .as("the small file still runs the bench's lanes").allMatch(d -> d.endsWith("lanes " + IngestBench.lanes()));
        assertThat(results).extracting(IngestBench.Result::variant, IngestBench.Result::appended).containsExactly(
                org.assertj.core.groups.Tuple.tuple("(a) COPY, rows pre-rendered", 2_500L),
                org.assertj.core.groups.Tuple.tuple("(b) part: read + parse + map, no DB", 0L),
                org.assertj.core.groups.Tuple.tuple("(b') one lane, no derived events", 2_500L),
                org.assertj.core.groups.Tuple.tuple("(b1) one lane, outbox row per event", 2_500L),
                org.assertj.core.groups.Tuple.tuple("(b) Inlet, no derived events", 2_500L),
                org.assertj.core.groups.Tuple.tuple("(b) Inlet, outbox row per event", 2_500L),
                org.assertj.core.groups.Tuple.tuple("(d) same version: ledger short-circuit", 0L),
                org.assertj.core.groups.Tuple.tuple("(d) new version: all duplicates", 0L),
                org.assertj.core.groups.Tuple.tuple("(c) Commons CSV + JDBC batch", 2_500L));
    }

    @Test
    void generatedFilesAreDeterministicAndHaveOneLinePerRowPlusHeader() throws Exception {
        long size1 = new OrdersCsv(1_000, 100, 40, 42L).write(dir.resolve("a.csv"));
        long size2 = new OrdersCsv(1_000, 100, 40, 42L).write(dir.resolve("b.csv"));

        assertThat(size1).isEqualTo(size2);
        assertThat(java.nio.file.Files.readAllBytes(dir.resolve("a.csv"))).isEqualTo(java.nio.file.Files.readAllBytes(dir.resolve("b.csv")));
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("a.csv"))).hasSize(1_001).first().isEqualTo(OrdersCsv.HEADER);
    }
}
