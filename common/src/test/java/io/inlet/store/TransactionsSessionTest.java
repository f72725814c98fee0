package io.inlet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.failure.RetryableException;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TransactionsSessionTest {

    final DataSource ds = TestDatabase.fresh();
    final Transactions tx = new Transactions(ds);

    static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aSessionRunsItsTransactionsOnOneConnection() {
        try (Transactions.Session session = tx.session()) {
            int first = session.inTransaction(TransactionsSessionTest::backendPid);
            int second = session.inTransaction(TransactionsSessionTest::backendPid);
            assertThat(second).isEqualTo(first);
        }
        // without a session every transaction has a connection of its own
        assertThat(tx.inTransaction(TransactionsSessionTest::backendPid)).isNotEqualTo(tx.inTransaction(TransactionsSessionTest::backendPid));
    }

    @Test
    void aSessionWhoseConnectionDiedGetsANewOneForTheNextTransaction() {
        try (Transactions.Session session = tx.session()) {
            int first = session.inTransaction(TransactionsSessionTest::backendPid);
            tx.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    return s.execute("SELECT pg_terminate_backend(" + first + ", 10000)"); // waits until it is gone
                }
            });
            assertThatThrownBy(() -> session.inTransaction(TransactionsSessionTest::backendPid))
                    .isInstanceOf(RetryableException.class);
            int next = session.inTransaction(TransactionsSessionTest::backendPid);
            assertThat(next).isNotEqualTo(first);
        }
    }

    @Test
    void aFailedTransactionIsRolledBackAndTheSessionGoesOn() {
        try (Transactions.Session session = tx.session()) {
            assertThatThrownBy(() -> session.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE session_probe (n int)");
                    return s.execute("SELECT 1/0");
                }
            })).hasMessageContaining("22012");
            Boolean gone = session.inTransaction(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('session_probe') IS NULL")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            });
            assertThat(gone).isTrue();
        }
    }

    @Test
    void aTransactionStartedInsideAnotherOnTheSameSessionIsRefusedAndTheOuterRollsBack() {
        try (Transactions.Session session = tx.session()) {
            assertThatThrownBy(() -> session.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE nested_probe (n int)");
                }
                return session.inTransaction(inner -> 1);
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside another");
            Boolean gone = session.inTransaction(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('nested_probe') IS NULL")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            });
            assertThat(gone).as("the outer transaction's table was rolled back").isTrue();
        }
    }

    @Test
    void aSessionReconnectsWhenItsIdleConnectionWasDroppedMeanwhile() {
        try (Transactions.Session session = tx.session(0)) {
            int first = session.inTransaction(TransactionsSessionTest::backendPid);
            // a proxy's idle timeout, say: the connection is gone before the next transaction
            tx.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    return s.execute("SELECT pg_terminate_backend(" + first + ", 10000)"); // waits until it is gone
                }
            });
            int next = session.inTransaction(TransactionsSessionTest::backendPid);
            assertThat(next).isNotEqualTo(first);
        }
    }
}
