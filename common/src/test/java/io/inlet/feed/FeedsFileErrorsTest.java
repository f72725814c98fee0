package io.inlet.feed;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each wrong feeds file fails at load, naming the file, the feed and the field path. */
class FeedsFileErrorsTest {

    static final String VALID = """
            version: 1
            feeds:
              - name: acme-orders
                bucket: vendor-drop
                key_pattern: "acme/orders/**"
                format:
                  type: csv
                  delimiter: ","
                  header: true
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at:
                    column: ordered_at
                    formats: ["iso", "yyyy-MM-dd HH:mm:ss"]
                    zone: Europe/Berlin
                  id: { strategy: column, column: order_id }
                  payload:
                    include: all
                    fields:
                      amount: { type: decimal }
                table: order_events
                errors: { policy: continue }
                derived:
                  - { events: appended, destination: orders }
            """;

    static final String SECOND_FEED = """
              - name: globex-orders
                bucket: vendor-drop
                key_pattern: "globex/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: ordered_at }
                  id: { strategy: position }
            """;

    static Stream<Arguments> wrongFiles() {
        return rows().map(r -> Arguments.of(r.description(), r.c()));
    }

    static Stream<Row> rows() {
        return Stream.of(
                wrong("invalid date pattern", "\"yyyy-MM-dd HH:mm:ss\"", "\"yyyy-MM-ddTHH\"",
                        "feeds.yaml: feed 'acme-orders': mapping.occurred_at.formats[1]: invalid pattern 'yyyy-MM-ddTHH' (Unknown pattern letter: T)"),
                wrong("misspelt key", "delimiter: \",\"", "delimitr: \",\"",
                        "feeds.yaml: feed 'acme-orders': format.delimitr: unknown key (expected one of: charset, columns, compression, delimiter,"),
                wrong("misspelt mapping key", "stream_id:", "streamid:",
                        "feeds.yaml: feed 'acme-orders': mapping.streamid: unknown key (expected one of: decimal_separator,"),
                wrong("unknown zone", "zone: Europe/Berlin", "zone: Europe/Berlinn",
                        "feeds.yaml: feed 'acme-orders': mapping.occurred_at.zone: unknown zone 'Europe/Berlinn'"),
                wrong("table not an identifier", "table: order_events", "table: Order-Events",
                        "feeds.yaml: feed 'acme-orders': table: invalid table name 'Order-Events' (a plain SQL identifier"),
                wrong("destination with a space", "destination: orders", "destination: \"orders queue\"",
                        "feeds.yaml: feed 'acme-orders': derived[0].destination: invalid destination name 'orders queue'"),
                wrong("hash id without columns", "{ strategy: column, column: order_id }", "{ strategy: hash }",
                        "feeds.yaml: feed 'acme-orders': mapping.id.columns: strategy hash needs at least one column"),
                wrong("unknown id strategy", "{ strategy: column, column: order_id }", "{ strategy: random }",
                        "feeds.yaml: feed 'acme-orders': mapping.id.strategy: expected column, hash or position, found 'random'"),
                wrong("abort_above without limits", "{ policy: continue }", "{ policy: abort_above }",
                        "feeds.yaml: feed 'acme-orders': errors.policy: abort_above needs max_count and/or max_percent"),
                wrong("percent above 100", "{ policy: continue }", "{ policy: abort_above, max_percent: 150 }",
                        "feeds.yaml: feed 'acme-orders': errors.max_percent: must be between 0.0 and 100.0, found 150"),
                wrong("negative count", "{ policy: continue }", "{ policy: abort_above, max_count: -1 }",
                        "feeds.yaml: feed 'acme-orders': errors.max_count: must be between 0 and"),
                wrong("limit on another policy", "{ policy: continue }", "{ policy: skip_file, max_count: 3 }",
                        "feeds.yaml: feed 'acme-orders': errors.max_count: only applies to policy abort_above"),
                wrong("key pattern with leading slash", "\"acme/orders/**\"", "\"/acme/orders/**\"",
                        "feeds.yaml: feed 'acme-orders': key_pattern: must not start with '/'"),
                wrong("header false without columns", "header: true", "header: false",
                        "feeds.yaml: feed 'acme-orders': format.columns: is required when header is false"),
                wrong("template names an undeclared column", "header: true",
                        "header: false\n      columns: [order_id, ordered_at, amount]\n", null)
                        .replaceInExpected("order-{order_id}", "order-{ordr_id}",
                                "feeds.yaml: feed 'acme-orders': mapping.stream_id: unknown column 'ordr_id' in template 'order-{ordr_id}' (declared columns: order_id, ordered_at, amount)"),
                wrong("id names an undeclared column", "header: true",
                        "header: false\n      columns: [order_id, ordered_at, amount]\n", null)
                        .replaceInExpected("column: order_id }", "column: orderid }",
                                "feeds.yaml: feed 'acme-orders': mapping.id.column: unknown column 'orderid' (declared columns: order_id, ordered_at, amount)"),
                wrong("unclosed template brace", "\"order-{order_id}\"", "\"order-{order_id\"",
                        "feeds.yaml: feed 'acme-orders': mapping.stream_id: unclosed '{' at position 6 in 'order-{order_id'"),
                wrong("unknown field type", "{ type: decimal }", "{ type: money }",
                        "feeds.yaml: feed 'acme-orders': mapping.payload.fields.amount.type: expected string, integer, decimal, boolean, date, timestamp or json, found 'money'"),
                wrong("formats on a decimal field", "{ type: decimal }", "{ type: decimal, formats: [iso] }",
                        "feeds.yaml: feed 'acme-orders': mapping.payload.fields.amount.formats: only applies to types date and timestamp"),
                wrong("unknown charset", "header: true", "header: true\n      charset: klingon-8",
                        "feeds.yaml: feed 'acme-orders': format.charset: unknown charset 'klingon-8'"),
                wrong("two-character delimiter", "delimiter: \",\"", "delimiter: \";;\"",
                        "feeds.yaml: feed 'acme-orders': format.delimiter: expected exactly one character, found ';;'"),
                wrong("csv option on jsonl", "type: csv", "type: jsonl",
                        "feeds.yaml: feed 'acme-orders': format.delimiter: only applies to type csv"),
                wrong("unknown format lists the known ones", "type: csv", "type: parquet",
                        "feeds.yaml: feed 'acme-orders': format.type: unknown format 'parquet' (known formats: csv, json_array, jsonl)"),
                wrong("format names are not case-folded", "type: csv", "type: CSV",
                        "feeds.yaml: feed 'acme-orders': format.type: unknown format 'CSV' (known formats: csv, json_array, jsonl)"),
                wrong("format without a type", "type: csv", "charset: auto",
                        "feeds.yaml: feed 'acme-orders': format.type: is required (one of: csv, json_array, jsonl)"),
                wrong("a pipeline option's range is checked", "header: true", "header: true\n      max_record_bytes: 8",
                        "feeds.yaml: feed 'acme-orders': format.max_record_bytes: must be between 16 and 1073741824, found 8"),
                wrong("a duplicate declared column names its index", "header: true", "header: true\n      columns: [a, b, a]",
                        "feeds.yaml: feed 'acme-orders': format.columns[2]: duplicate column 'a'"),
                wrong("derived only lists a type the feed never produces", "{ events: appended, destination: orders }",
                        "{ events: appended, destination: orders, only: [OrderShipped] }",
                        "feeds.yaml: feed 'acme-orders': derived[0].only[0]: event type 'OrderShipped' is never produced by this feed (it produces OrderPlaced)"),
                wrong("mapped route without type", "{ events: appended, destination: orders }", "{ events: mapped, destination: crm }",
                        "feeds.yaml: feed 'acme-orders': derived[0].type: is required for mapped events"),
                wrong("bad decimal separator", "  payload:", "  decimal_separator: \";\"\n      payload:",
                        "feeds.yaml: feed 'acme-orders': mapping.decimal_separator: expected '.' or ',', found ';'"),
                wrong("missing name is named by index", "- name: acme-orders", "- nam: acme-orders",
                        "feeds.yaml: feed #1: name: is required"),
                wrong("bad batch size", "table: order_events", "table: order_events\n    batch_size: 0",
                        "feeds.yaml: feed 'acme-orders': batch_size: must be between 1 and 100000, found 0"),
                wrong("batch_bytes too small", "table: order_events", "table: order_events\n    batch_bytes: 1000",
                        "feeds.yaml: feed 'acme-orders': batch_bytes: must be between 65536 and 1073741824, found 1000"),
                wrong("too many lanes", "table: order_events", "table: order_events\n    lanes: 9",
                        "feeds.yaml: feed 'acme-orders': lanes: must be between 1 and 8, found 9"),
                wrong("lanes not a number", "table: order_events", "table: order_events\n    lanes: two",
                        "feeds.yaml: feed 'acme-orders': lanes: expected a whole number, found 'two'"),
                wrong("negative lanes_from_bytes", "table: order_events", "table: order_events\n    lanes_from_bytes: -1",
                        "feeds.yaml: feed 'acme-orders': lanes_from_bytes: must be between 0 and 9223372036854775807, found -1"),
                wrong("wrong version", "version: 1", "version: 2", "feeds.yaml: version: unsupported version 2 (this Inlet reads version 1)"),
                wrong("unknown top-level key", "version: 1", "version: 1\nfeed: []",
                        "feeds.yaml: feed: unknown key (expected one of: event_types, feeds, messages, projections, version)"),
                wrong("duplicate feed names", "", "", null)
                        .appending(SECOND_FEED.replace("globex-orders", "acme-orders"),
                                "feeds.yaml: feed 'acme-orders': name: duplicate feed name 'acme-orders'"),
                wrong("same bucket and pattern twice", "", "", null)
                        .appending(SECOND_FEED.replace("globex/**", "acme/orders/**"),
                                "feeds.yaml: feed 'globex-orders': key_pattern: same bucket and key_pattern 'acme/orders/**' as feed 'acme-orders'"),
                wrong("event type value table with a bad type", "event_type: OrderPlaced",
                        "event_type: { column: kind, values: { N: \"Order Placed\" } }",
                        "feeds.yaml: feed 'acme-orders': mapping.event_type.values.N: invalid event type 'Order Placed'"),
                wrong("yaml syntax error", "bucket: vendor-drop", "bucket: [vendor-drop",
                        "feeds.yaml: line "),
                wrong("duplicate yaml key", "table: order_events", "table: order_events\n    table: other",
                        "feeds.yaml: line "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongFiles")
    void wrongFileFailsNamingFeedAndField(String description, Case c) {
        assertThatThrownBy(() -> FeedRegistry.parse(c.yaml(), "feeds.yaml"))
                .isInstanceOf(FeedConfigException.class)
                .hasMessageStartingWith(c.expected());
    }

    @Test
    void messageFeedWithoutMappingIsRejectedUnlessCloudEventsOnly() {
        String yaml = """
                version: 1
                messages:
                  - name: billing
                    channel: billing
                    format: auto
                """;
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .hasMessage("feeds.yaml: message feed 'billing': mapping: is required unless format is cloudevent (plain JSON messages need a mapping)");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"\"", "\"schema version\"", "ce-schemaversion", "CE-x",
            "\"a\\u0000b\""})
    void aSchemaVersionAttributeThatNoMessageCanCarryIsRejected(String name) {
        String yaml = """
                version: 1
                messages:
                  - name: billing
                    channel: billing
                    format: cloudevent
                    schema_version_attribute: %s
                """.formatted(name);
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .hasMessageStartingWith("feeds.yaml: message feed 'billing': schema_version_attribute: invalid attribute name ");
    }

    @Test
    void aSchemaVersionAttributeLongerThanABrokerAllowsIsRejected() {
        String yaml = """
                version: 1
                messages:
                  - name: billing
                    channel: billing
                    format: cloudevent
                    schema_version_attribute: %s
                """.formatted("v".repeat(257));
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .hasMessageStartingWith("feeds.yaml: message feed 'billing': schema_version_attribute: invalid attribute name ");
    }

    @Test
    void summaryRouteOnAMessageFeedIsRejected() {
        String yaml = """
                version: 1
                messages:
                  - name: billing
                    channel: billing
                    format: cloudevent
                    derived: [ { events: summary, destination: ops } ]
                """;
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .hasMessage("feeds.yaml: message feed 'billing': derived[0].events: summary events exist only for file feeds");
    }

    @Test
    void missingSchemaFileIsRejected(@TempDir Path dir) {
        String yaml = VALID.replace("    table: order_events", "      schemas: { OrderPlaced: schemas/nope.json }\n    table: order_events");
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml", dir))
                .hasMessage("feeds.yaml: feed 'acme-orders': mapping.schemas.OrderPlaced: schema file not found: "
                        + dir.resolve("schemas/nope.json"));
    }

    @Test
    void schemaThatIsNotAValidJsonSchemaIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.json"), "{\"type\": \"banana\"}");
        String yaml = VALID.replace("    table: order_events", "      schemas: { OrderPlaced: bad.json }\n    table: order_events");
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml", dir))
                .hasMessageStartingWith("feeds.yaml: feed 'acme-orders': mapping.schemas.OrderPlaced: schema file "
                        + dir.resolve("bad.json") + " is not a valid JSON Schema: $.type");
    }

    @Test
    void schemaFileThatIsNotJsonIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.json"), "{type: ");
        String yaml = VALID.replace("    table: order_events", "      schemas: { OrderPlaced: bad.json }\n    table: order_events");
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml", dir))
                .hasMessageStartingWith("feeds.yaml: feed 'acme-orders': mapping.schemas.OrderPlaced: schema file "
                        + dir.resolve("bad.json") + " is not JSON");
    }

    @Test
    void schemaForATypeTheFeedNeverProducesIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("s.json"), "{\"type\": \"object\"}");
        String yaml = VALID.replace("    table: order_events", "      schemas: { OrderShipped: s.json }\n    table: order_events");
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml", dir))
                .hasMessage("feeds.yaml: feed 'acme-orders': mapping.schemas.OrderShipped: event type 'OrderShipped' is never produced by this feed (it produces OrderPlaced)");
    }

    @Test
    void missingFeedsFileNamesThePath(@TempDir Path dir) {
        assertThatThrownBy(() -> FeedRegistry.load(dir.resolve("feeds.yaml")))
                .isInstanceOf(FeedConfigException.class)
                .hasMessage(dir.resolve("feeds.yaml") + ": feeds file not found");
    }

    // ------------------------------------------------------------------ table helpers

    record Case(String yaml, String expected) {
        @Override
        public String toString() {
            return expected;
        }
    }

    record Row(String description, Case c) {
        /** Further edits the file and sets the expected message. */
        Row replaceInExpected(String from, String to, String expected) {
            if (!c.yaml().contains(from)) throw new IllegalArgumentException("test table: '" + from + "' not in the file");
            return new Row(description, new Case(c.yaml().replace(from, to), expected));
        }

        /** Appends another feed and sets the expected message. */
        Row appending(String feedYaml, String expected) {
            return new Row(description, new Case(c.yaml() + feedYaml, expected));
        }

    }

    private static Row wrong(String description, String from, String to, String expected) {
        if (!from.isEmpty() && !VALID.contains(from)) throw new IllegalArgumentException("test table: '" + from + "' not in VALID");
        return new Row(description, new Case(from.isEmpty() ? VALID : VALID.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)), expected));
    }
}
