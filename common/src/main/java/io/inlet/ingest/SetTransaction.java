package io.inlet.ingest;

import io.inlet.store.TransactionRunner;
import io.inlet.store.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * The one transaction a file set loads in, handed to the member attempts as their runner: each unit
 * of work they would commit on its own runs under a savepoint instead, released when it succeeds and
 * rolled back to when it fails (so a batch appended again event by event after the database refused
 * a value works as on its own). Nothing commits until the set's transaction does; a failure the
 * work does not handle rolls the whole set back. Not for concurrent use.
 */
final class SetTransaction implements TransactionRunner {

    private final Connection c;
    private int depth;

    SetTransaction(Connection c) {
        this.c = c;
    }

    @Override
    public <T> T inTransaction(Transactions.Work<T> work) {
        Savepoint sp;
        try {
            sp = c.setSavepoint("inlet_set_work_" + (++depth));
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
        try {
            T result = work.run(c);
            c.releaseSavepoint(sp);
            return result;
        } catch (SQLException e) {
            rollback(sp, e);
            throw Transactions.translate(e);
        } catch (RuntimeException e) {
            rollback(sp, e);
            throw e;
        } finally {
            depth--;
        }
    }

    private void rollback(Savepoint sp, Exception cause) {
        try {
            c.rollback(sp);
        } catch (SQLException again) {
            cause.addSuppressed(again);
        }
    }
}
