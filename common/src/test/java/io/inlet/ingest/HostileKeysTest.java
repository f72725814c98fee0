package io.inlet.ingest;

import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Keys no bucket could hold are refused before matching, naming the limit, and leave no ledger row. */
class HostileKeysTest {

    @Test
    void aKeyLongerThanABucketAllowsIsRefusedNamingTheLimit() throws Exception {
        FeedRegistry feeds = Samples.feeds();
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("test").build();
        LocalFileSource source = new LocalFileSource(Samples.files());
        String key = "acme/" + "a".repeat(1100) + ".csv";

        assertThatThrownBy(() -> inlet.ingestFile(new ObjectRef("vendor-drop", key, null, "e", 1L), source,
                io.inlet.failure.Deadline.none()))
                .isInstanceOf(NoFeedException.class)
                .hasMessageContaining("key is 1109 bytes in UTF-8; S3 and GCS allow at most 1024")
                .hasMessageContaining("vendor-drop/acme/aaa");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM inlet.ingested_files")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
