package io.inlet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.source.ObjectRef;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class FileStatusTest {

    @Test
    void everyStatusRoundTripsThroughItsDatabaseValue() {
        for (FileStatus s : FileStatus.values()) {
            assertThat(FileStatus.fromDatabase(s.databaseValue())).isSameAs(s);
        }
    }

    @Test
    void anUnknownDatabaseValueIsAnErrorNamingIt() {
        for (String unknown : new String[] {"PARKED", "completed", "", " COMPLETED", null}) {
            assertThatThrownBy(() -> FileStatus.fromDatabase(unknown))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("unknown file status '" + unknown + "'")
                    .hasMessageContaining("IN_PROGRESS");
        }
    }

    @Test
    void sqlTokensBecomeQuotedDatabaseValuesAndAnUnknownTokenFails() {
        assertThat(FileStatus.inSql("WHERE status = {IN_PROGRESS} OR status IN ({COMPLETED}, {REJECTED})"))
                .isEqualTo("WHERE status = 'IN_PROGRESS' OR status IN ('COMPLETED', 'REJECTED')");
        assertThatThrownBy(() -> FileStatus.inSql("WHERE status = {DONE}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{DONE}");
    }

    /** A status added here without widening the column's CHECK constraint (or the reverse) fails. */
    @Test
    void theEnumListsExactlyTheStatusesTheDatabaseAccepts() throws SQLException {
        DataSource ds = TestDatabase.fresh();
        assertThat(checkedValues(ds, "ingested_files"))
                .isEqualTo(Arrays.stream(FileStatus.values()).map(FileStatus::databaseValue)
                        .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void aRowWithAStatusThisVersionDoesNotKnowIsAClearErrorOnClaim() throws SQLException {
        DataSource ds = TestDatabase.fresh();
        FileLedger ledger = new FileLedger(new Transactions(ds));
        ObjectRef ref = new ObjectRef("vendor-drop", "acme/held.csv", "v1", "etag-1", 10L);
        ledger.claim(ClaimRequest.builder(ref, "acme", "w", Duration.ofMinutes(5)).build());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // as a newer version of Inlet would leave it
            s.execute("ALTER TABLE ingested_files DROP CONSTRAINT " + statusCheck(c, "ingested_files"));
            s.execute("UPDATE ingested_files SET status = 'PARKED', lease_owner = NULL");
        }
        assertThatThrownBy(() -> ledger.claim(ClaimRequest.builder(ref, "acme", "w2", Duration.ofMinutes(5)).build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown file status 'PARKED'");
    }

    static Set<String> checkedValues(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '"
                     + statusCheck(c, table) + "'")) {
            rs.next();
            Set<String> values = new TreeSet<>();
            Matcher m = Pattern.compile("'([A-Z_]+)'").matcher(rs.getString(1));
            while (m.find()) values.add(m.group(1));
            return values;
        }
    }

    static String statusCheck(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT conname FROM pg_constraint
                WHERE conrelid = '%s'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%%(status = ANY%%'"""
                .formatted(table))) {
            if (!rs.next()) throw new IllegalStateException("no status CHECK constraint on " + table);
            return rs.getString(1);
        }
    }
}
