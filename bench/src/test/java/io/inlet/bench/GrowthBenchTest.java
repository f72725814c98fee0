package io.inlet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The growth benchmark's preload and passes on a few thousand rows (no timings asserted). */
class GrowthBenchTest {

    @TempDir
    Path dir;

    @Test
    void streamIdsRoundTripAndTheFileStreamsLieSpreadThroughTheStreamIndex() {
        GrowthStreams streams = new GrowthStreams(1_000, 100);

        assertThat(IntStream.range(0, 1_000)).allMatch(k -> streams.number(streams.id(k)) == k);
        assertThat(streams.id(7)).isEqualTo("customer-cust-000007");

        // in index (text) order, every file stream is followed by at most 9 others before the next file stream
        List<String> sorted = IntStream.range(0, 1_000).mapToObj(streams::id).sorted(Comparator.naturalOrder()).toList();
        List<Integer> fileAt = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) if (streams.number(sorted.get(i)) < 100) fileAt.add(i);
        assertThat(IntStream.range(1, fileAt.size()).map(i -> fileAt.get(i) - fileAt.get(i - 1))).allMatch(gap -> gap == 10);
    }

    @Test
    void thePreloadRebuildsTheSameIndexesAndEveryPassAppendsTheWholeFileWithGaplessVersions() throws Exception {
        DataSource ds = TestDatabase.fresh(GrowthBench.TABLE);
        Set<String> indexes = indexes(ds);
        GrowthBench bench = new GrowthBench(dir);
        Path file = bench.generate("orders/smoke.csv", 2_000, 250);
        long[] perCustomer = GrowthBench.perCustomer(file, 250);
        GrowthStreams streams = new GrowthStreams(1_000, 250);

        GrowthPreload.Done done = new GrowthPreload(ds, GrowthBench.TABLE, streams, 7L).load(5_000, 1_000);
        List<GrowthBench.Pass> passes = bench.step(ds, file, 5_000, 5_000, perCustomer, streams);

        assertThat(done.rows()).isEqualTo(5_000);
        assertThat(indexes(ds)).as("the same indexes, built again").isEqualTo(indexes);
        assertThat(passes).extracting(GrowthBench.Pass::variant).containsExactly("Inlet a", "COPY", "Inlet b", "Inlet c");
        assertThat(passes).extracting(GrowthBench.Pass::rows).containsOnly(2_000L);
        assertThat(passes).extracting(GrowthBench.Pass::tableRowsBefore).containsExactly(5_000L, 7_000L, 9_000L, 11_000L);
        // throws unless the table holds exactly these events and every stream's versions are 1..n
        GrowthBench.verify(ds, 13_000);
        AppendBench.drop(ds);
    }

    private static Set<String> indexes(DataSource ds) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_get_indexdef(indexrelid) || ' ' || indisunique || indisprimary"
                     + " FROM pg_index WHERE indrelid = '" + GrowthBench.TABLE + "'::regclass")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
