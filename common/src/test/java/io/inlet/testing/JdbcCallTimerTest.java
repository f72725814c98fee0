package io.inlet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcCallTimerTest {

    @Test
    void countsEveryCallThatReachesTheServerUnderItsKind() throws Exception {
        JdbcCallTimer timer = new JdbcCallTimer(TestDatabase.fresh(), sql -> sql.startsWith("SELECT") ? "read" : "write");
        try (Connection c = timer.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE t (x int)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                for (int i = 0; i < 3; i++) {
                    insert.setInt(1, i);
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement select = c.prepareStatement("SELECT count(*) FROM t"); var rs = select.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
            c.commit();
        }
        Map<String, long[]> calls = timer.snapshot();
        assertThat(calls.keySet()).containsExactly("commit", "connect", "read", "setAutoCommit(false)", "write");
        assertThat(calls.get("write")[0]).isEqualTo(4);
        assertThat(calls.get("read")[0]).isEqualTo(1);
        assertThat(calls.get("commit")[0]).isEqualTo(1);
        assertThat(timer.connections()).isEqualTo(1);
        assertThat(timer.totalCalls()).isEqualTo(8);
        assertThat(timer.totalNanos()).isPositive();

        timer.reset();
        assertThat(timer.snapshot()).isEmpty();
        assertThat(timer.connections()).isZero();
    }

    @Test
    void firstWordsFoldsWhitespaceAndCutsAtSixtyCharacters() {
        assertThat(JdbcCallTimer.firstWords("  SELECT\n  1 ")).isEqualTo("SELECT 1");
        String longSql = "INSERT INTO events " + "x".repeat(100);
        assertThat(JdbcCallTimer.firstWords(longSql)).hasSize(63).endsWith("...").startsWith("INSERT INTO events x");
    }
}
