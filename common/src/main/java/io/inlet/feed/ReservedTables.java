package io.inlet.feed;

import java.util.Optional;
import java.util.Set;

/**
 * Names a feed may not give as its event table: Inlet's own tables and sequences, Flyway's history,
 * and PostgreSQL's {@code pg_} prefix. {@code inlet migrate} checks the rest (a relation that exists
 * and is not an event table); {@code ReservedTablesTest} fails when a migration adds a table missing here.
 */
final class ReservedTables {

    static final Set<String> NAMES = Set.of("ingested_files", "ingest_slices", "ingest_lanes", "rejected_records", "outbox",
            "processed_messages", "outbox_interventions", "reject_replays", "outbox_replays", "vendor_access", "event_tables",
            "stream_heads", "event_position_seq", "flyway_schema_history",
            "reprocess_runs", "lease_releases", "feed_pauses", "control_totals",
            "file_sets", "file_set_members", "arrival_alerts", "arrival_watches",
            "projections", "subscriptions", "subscription_early_deliveries");

    private ReservedTables() {
    }

    /** Why a feed cannot write events into {@code table}, or empty when it can. */
    static Optional<String> whyNot(String table) {
        if (NAMES.contains(table)) return Optional.of("'" + table + "' is one of Inlet's own tables, not an event table");
        if (table.startsWith("pg_")) return Optional.of("'" + table + "' starts with pg_, reserved for PostgreSQL's catalogs");
        return Optional.empty();
    }
}
