package io.inlet.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One kept connection per instance, on embedded PostgreSQL: reused, validated, replaced, never leaked. */
class KeptConnectionTest {

    DataSource raw;
    KeptConnection kept;
    /** One observer connection for the whole test: closing observers would leave exiting backends in pg_stat_activity. */
    Connection observer;

    @BeforeEach
    void database() throws Exception {
        raw = TestDatabase.fresh();
        kept = new KeptConnection(raw);
        observer = raw.getConnection();
        try (Statement s = observer.createStatement()) {
            s.execute("CREATE TABLE kept_test (n int)");
        }
    }

    @AfterEach
    void closeObserver() throws Exception {
        observer.close();
        kept.close();
    }

    @Test
    void everyLendingIsTheSameBackend() throws Exception {
        Set<Integer> pids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            if (i % 5 == 0) kept.revalidate();
            pids.add(pidThrough(kept));
        }

        assertThat(pids).hasSize(1);
        assertThat(kept.opened()).isEqualTo(1);
        assertThat(backends()).containsExactlyElementsOf(pids);
    }

    @Test
    void aTerminatedBackendIsReplacedBeforeTheNextUse() throws Exception {
        AtomicLong now = new AtomicLong();
        KeptConnection checked = new KeptConnection(raw, Duration.ofSeconds(1), Duration.ofSeconds(30), now::get);
        int before = pidThrough(checked);
        terminate(before);

        now.addAndGet(Duration.ofMillis(KeptConnection.DEFAULT_QUIET_BEFORE_CHECK_MILLIS).toNanos());
        checked.revalidate(); // what each invocation does first
        int after = pidThrough(checked);

        assertThat(after).isNotEqualTo(before);
        assertThat(checked.replaced()).isEqualTo(1);
        assertThat(backends()).containsExactly(after);
        checked.close();
    }

    @Test
    void invocationsOneRightAfterTheOtherDoNotCheckTheConnectionEachTime() throws Exception {
        AtomicLong now = new AtomicLong();
        AtomicInteger checks = new AtomicInteger();
        KeptConnection counted = new KeptConnection(countingIsValid(raw, checks), Duration.ofSeconds(1), Duration.ofSeconds(30),
                now::get);
        pidThrough(counted);
        for (int i = 0; i < 10; i++) {
            now.addAndGet(Duration.ofMillis(5).toNanos()); // the next invocation 5 ms after the last returned
            counted.revalidate();
            pidThrough(counted);
        }
        assertThat(checks.get()).as("no check of a connection back for less than the quiet time").isZero();

        now.addAndGet(Duration.ofMillis(KeptConnection.DEFAULT_QUIET_BEFORE_CHECK_MILLIS).toNanos());
        counted.revalidate();
        pidThrough(counted);
        assertThat(checks.get()).as("an invocation after a pause checks it first").isEqualTo(1);
        counted.close();
    }

    @Test
    void aDeadConnectionMetRightAfterItsLastUseFailsTheWorkAsRetryableAndIsReplacedAtTheNextLending() throws Exception {
        int before = pidThrough(kept);
        terminate(before);
        kept.revalidate(); // within the quiet time: not checked

        io.inlet.store.Transactions tx = new io.inlet.store.Transactions(kept);
        assertThatThrownBy(() -> tx.inAutoCommit(c -> c.createStatement().execute("INSERT INTO kept_test VALUES (1)")))
                .isInstanceOf(io.inlet.failure.RetryableException.class);
        int after = pidThrough(kept); // no revalidate(): the failed work alone makes it check

        assertThat(after).isNotEqualTo(before);
        assertThat(backends()).containsExactly(after);
    }

    /** {@code ds}, counting the {@code isValid} calls on its connections. */
    private static DataSource countingIsValid(DataSource ds, AtomicInteger checks) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, a) -> {
                    Object r = m.invoke(ds, a);
                    if (!m.getName().equals("getConnection")) return r;
                    Connection real = (Connection) r;
                    return java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (cp, cm, ca) -> {
                                if (cm.getName().equals("isValid")) checks.incrementAndGet();
                                try {
                                    return cm.invoke(real, ca);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
    }

    @Test
    void aConnectionIdleLongerThanTheLimitIsValidatedWithoutBeingAsked() throws Exception {
        AtomicLong now = new AtomicLong();
        KeptConnection idleChecked = new KeptConnection(raw, Duration.ofSeconds(1), Duration.ofSeconds(30), now::get);
        int before = pidThrough(idleChecked);
        terminate(before);

        now.addAndGet(Duration.ofSeconds(31).toNanos()); // a proxy's idle timeout, a frozen instance
        int after = pidThrough(idleChecked);

        assertThat(after).isNotEqualTo(before);
        assertThat(idleChecked.replaced()).isEqualTo(1);
    }

    @Test
    void aConnectionTheBorrowerRolledBackIsValidatedBeforeItsNextUse() throws Exception {
        int before;
        try (Connection c = kept.getConnection()) {
            before = pid(c);
            c.setAutoCommit(false);
            terminate(before);
            assertThatThrownBy(() -> c.createStatement().execute("INSERT INTO kept_test VALUES (1)")).isInstanceOf(SQLException.class);
            try {
                c.rollback();
            } catch (SQLException dead) {
                // as Transactions does: quietly
            }
        }

        int after = pidThrough(kept); // no revalidate(): the rollback alone makes it check

        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void anOpenTransactionIsRolledBackAndAutoCommitRestoredOnReturn() throws Exception {
        try (Connection c = kept.getConnection()) {
            c.setAutoCommit(false);
            c.createStatement().execute("INSERT INTO kept_test VALUES (1)");
            // closed without commit: the borrower failed or forgot
        }

        try (Connection c = kept.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM kept_test")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
            assertThat(c.getAutoCommit()).isTrue();
        }
        assertThat(kept.opened()).isEqualTo(1);
    }

    @Test
    void aSecondBorrowerWhileLentGetsAConnectionOfItsOwnThatReallyCloses() throws Exception {
        try (Connection first = kept.getConnection()) {
            int keptPid = pid(first);
            int ownPid;
            try (Connection second = kept.getConnection()) {
                ownPid = pid(second);
                assertThat(ownPid).isNotEqualTo(keptPid);
            }
            awaitGone(ownPid);
            assertThat(backends()).containsExactly(keptPid);
        }
        assertThat(kept.opened()).isEqualTo(1);
    }

    @Test
    void discardClosesTheKeptConnectionAndTheNextLendingOpensANewOne() throws Exception {
        int inSnapshot = pidThrough(kept);

        kept.discard(); // before a SnapStart checkpoint, and again after the restore
        awaitGone(inSnapshot);
        assertThat(backends()).isEmpty();

        int afterRestore = pidThrough(kept);
        assertThat(afterRestore).isNotEqualTo(inSnapshot);
        assertThat(kept.opened()).isEqualTo(2);
    }

    @Test
    void aReturnedConnectionRefusesFurtherUse() throws Exception {
        Connection c = kept.getConnection();
        c.close();
        c.close(); // twice is harmless

        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("already returned");
        assertThat(pidThrough(kept)).isPositive();
    }

    @Test
    void manyLendingsWithFailuresAndKillsLeaveOneBackend() throws Exception {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            kept.revalidate();
            try (Connection c = kept.getConnection()) {
                c.setAutoCommit(false);
                seen.add(pid(c));
                if (i % 29 == 0) terminate(seen.get(seen.size() - 1));
                try {
                    c.createStatement().execute(i % 10 == 0 ? "INSERT INTO no_such_table VALUES (1)" : "INSERT INTO kept_test VALUES (1)");
                    c.commit();
                } catch (SQLException expected) {
                    try {
                        c.rollback();
                    } catch (SQLException dead) {
                        // the killed ones
                    }
                }
            }
        }

        int last = pidThrough(kept);
        assertThat(backends()).containsExactly(last);
        // the first, plus at most one per killed backend (11): a broken one is replaced, never multiplied
        assertThat(kept.opened()).isLessThanOrEqualTo(1 + 11);
    }

    private static int pidThrough(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return pid(c);
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void terminate(int pid) throws Exception {
        try (Statement s = observer.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        awaitGone(pid);
    }

    private void awaitGone(int pid) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backends().contains(pid)) {
            if (System.nanoTime() > until) throw new AssertionError("backend " + pid + " still there");
            Thread.sleep(10);
        }
    }

    /** The other backends connected to this test's database, besides the observer's own. */
    private List<Integer> backends() throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Statement s = observer.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY pid")) {
            while (rs.next()) pids.add(rs.getInt(1));
        }
        return pids;
    }
}
