package io.inlet.store;

/**
 * Runs work in one database transaction, retried whole on the failures {@link Transactions} names:
 * either on a connection of its own ({@link Transactions}) or on a session's connection
 * ({@link Transactions.Session}).
 */
public interface TransactionRunner {

    <T> T inTransaction(Transactions.Work<T> work);
}
