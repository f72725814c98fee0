package io.inlet.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.source.LocalFileSource;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** With vendor isolation on, one vendor's reader sees only that vendor's rows; the services see all. */
class VendorIsolationTest {

    @Test
    void aVendorReaderSeesOnlyItsOwnRows() throws Exception {
        FeedRegistry feeds = Samples.feeds();
        DataSource owner = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        String acme = "acme_reader_" + suffix(), globex = "globex_reader_" + suffix(), ingestUser = "ingest_" + suffix();
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT inlet.enable_vendor_isolation('order_events')");
            for (String r : List.of(acme, globex)) s.execute("CREATE ROLE " + r + " LOGIN PASSWORD 'pw' IN ROLE inlet_vendor_reader");
            s.execute("CREATE ROLE " + ingestUser + " LOGIN PASSWORD 'pw' IN ROLE inlet_ingest");
            s.execute("INSERT INTO inlet.vendor_access VALUES ('" + acme + "', 'vendor-drop/acme/'), ('" + globex + "', 'vendor-drop/globex/')");
        }
        // ingest as the ingest role: row-level security must not hide rows from the service
        Inlet inlet = Inlet.builder().dataSource(login(owner, ingestUser)).feeds(feeds).build();
        LocalFileSource source = new LocalFileSource(Samples.files());
        for (String key : List.of("acme/orders-quoted.csv", "globex/orders-semicolon-decimal-comma.csv")) {
            inlet.ingestFile(source.refFor("vendor-drop", Samples.files().resolve(key)), source, Deadline.none());
        }
        inlet.ingestFile(source.refFor("vendor-drop", Samples.files().resolve("acme/orders-quoted.csv")), source, Deadline.none());

        assertThat(sources(owner)).containsExactlyInAnyOrder("vendor-drop/acme", "vendor-drop/globex");
        assertThat(count(owner)).isEqualTo(12);
        assertThat(sources(login(owner, acme))).containsExactly("vendor-drop/acme");
        assertThat(count(login(owner, acme))).isEqualTo(7);
        assertThat(sources(login(owner, globex))).containsExactly("vendor-drop/globex");
        assertThat(count(login(owner, globex))).isEqualTo(5);
    }

    @Test
    void aVendorReaderSeesOnlyItsOwnVendorAccessRows() throws Exception {
        DataSource owner = TestDatabase.fresh();
        String acme = "acme_reader_" + suffix(), globex = "globex_reader_" + suffix(), reader = "reader_" + suffix();
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            for (String r : List.of(acme, globex)) s.execute("CREATE ROLE " + r + " LOGIN PASSWORD 'pw' IN ROLE inlet_vendor_reader");
            s.execute("CREATE ROLE " + reader + " LOGIN PASSWORD 'pw' IN ROLE inlet_reader");
            s.execute("INSERT INTO inlet.vendor_access VALUES ('" + acme + "', 'vendor-drop/acme/'), ('" + globex
                    + "', 'vendor-drop/globex/'), ('dropped_role_" + suffix() + "', 'vendor-drop/gone/')");
        }
        assertThat(accessRows(login(owner, acme))).containsExactly(acme + " vendor-drop/acme/");
        assertThat(accessRows(login(owner, globex))).containsExactly(globex + " vendor-drop/globex/");
        assertThat(accessRows(login(owner, reader))).hasSize(3);
    }

    static List<String> accessRows(DataSource ds) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT role_name || ' ' || source_prefix FROM inlet.vendor_access ORDER BY 1")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static DataSource login(DataSource owner, String user) {
        DatabaseSettings db = TestDatabase.settingsFor(owner);
        return Database.dataSource(new DatabaseSettings(db.url().replaceAll("([?&])user=[^&]*&?", "$1"), user, "pw"));
    }

    static List<String> sources(DataSource ds) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT split_part(source, '/', 1) || '/' || split_part(source, '/', 2) FROM order_events")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static long count(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM order_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
