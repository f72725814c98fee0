package io.inlet.fuzz;

import io.inlet.feed.FeedRegistry;

/**
 * The feeds the whole-path fuzzer ingests through: every format x id strategy x one or two lanes,
 * all into one event table, with typed fields (decimal, integer, timestamp, boolean, date, string), small batches
 * (so a file spans several transactions) and an outbox route (so the append writes outbox rows).
 */
final class FuzzFeeds {

    static final String BUCKET = "fuzz";
    static final String TABLE = "fuzz_events";
    static final int BATCH_SIZE = 4;

    enum Format {
        CSV("csv", "csv"), JSONL("jsonl", "jsonl"), JSON_ARRAY("json_array", "json");

        static final Format[] ALL = values();
        final String yaml;
        final String extension;

        Format(String yaml, String extension) {
            this.yaml = yaml;
            this.extension = extension;
        }
    }

    enum IdKind {
        COLUMN("{ strategy: column, column: id }"),
        HASH("{ strategy: hash, columns: [id, stream] }"),
        POSITION("{ strategy: position }");

        static final IdKind[] ALL = values();
        final String yaml;

        IdKind(String yaml) {
            this.yaml = yaml;
        }
    }

    static final FeedRegistry REGISTRY = FeedRegistry.parse(yaml(), "whole-path-fuzz-feeds.yaml");

    private FuzzFeeds() {
    }

    static String feedName(Format format, IdKind id, boolean lanes) {
        return format.name().toLowerCase().replace('_', '-') + "-" + id.name().toLowerCase() + (lanes ? "-lanes2" : "-lanes1");
    }

    static String key(Format format, IdKind id, boolean lanes) {
        return feedName(format, id, lanes) + "/drop." + format.extension;
    }

    static String yaml() {
        StringBuilder sb = new StringBuilder("version: 1\nfeeds:\n");
        for (Format format : Format.ALL) {
            for (IdKind id : IdKind.ALL) {
                for (boolean lanes : new boolean[] {false, true}) {
                    String name = feedName(format, id, lanes);
                    sb.append("  - name: ").append(name).append('\n')
                      .append("    bucket: ").append(BUCKET).append('\n')
                      .append("    key_pattern: \"").append(name).append("/**\"\n")
                      .append("    format: { type: ").append(format.yaml).append(" }\n")
                      .append("    mapping:\n")
                      .append("      event_type: { column: type }\n")
                      .append("      stream_id: \"{stream}\"\n")
                      .append("      occurred_at: { column: at, formats: [\"iso\", \"epoch_millis\"] }\n")
                      .append("      id: ").append(id.yaml).append('\n')
                      .append("      payload:\n")
                      .append("        include: all\n")
                      .append("        fields:\n")
                      .append("          amount: { type: decimal }\n")
                      .append("          qty: { type: integer }\n")
                      .append("          seen: { type: timestamp, formats: [\"iso\", \"epoch_millis\"] }\n")
                      .append("          paid: { type: boolean }\n")
                      .append("          due: { type: date }\n")
                      .append("          note: { type: string }\n")
                      .append("    table: ").append(TABLE).append('\n')
                      .append("    shared_streams: true\n")
                      .append("    batch_size: ").append(BATCH_SIZE).append('\n')
                      .append(lanes ? "    lanes: 2\n    lanes_from_bytes: 0\n" : "")
                      .append("    derived: [ { events: appended, destination: fuzz-out } ]\n");
                }
            }
        }
        return sb.toString();
    }
}
