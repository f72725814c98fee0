package io.inlet.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.feed.FeedConfigException;
import io.inlet.feed.FeedRegistry;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The {@code projections:} section is read strictly: every error names the file, the line, the projection and the field. */
class ProjectionsSectionTest {

    static final String HEAD = """
            version: 1
            feeds:
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: jsonl }
                mapping:
                  event_type: { column: type }
                  stream_id: "{order}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: order_events
            projections:
              - name: orders_current
                events: order_events
                mode: inline
                columns:
                  status: text
                  amount: numeric
                on:
                  OrderPlaced:
                    status: { value: placed }
                    amount: { field: amount }
            """;

    static FeedRegistry parse(String yaml) {
        return FeedRegistry.parse(yaml, "feeds.yaml");
    }

    @Test
    void aValidSectionDeclaresItsProjections() {
        Projection p = parse(HEAD).projections().named("orders_current").orElseThrow();
        assertThat(p.table()).isEqualTo("orders_current");
        assertThat(p.mode()).isEqualTo(ProjectionMode.INLINE);
        assertThat(p.declaredAt()).isEqualTo("feeds.yaml: line 14: projection 'orders_current'");
        assertThat(parse(HEAD).projections().inlineFor("order_events")).containsExactly(p);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("unknown key", HEAD.replace("    mode: inline\n", "    mode: inline\n    moed: async\n"), "line 17: projection 'orders_current': moed: unknown key"),
                Arguments.of("bad mode", HEAD.replace("mode: inline", "mode: later"), "line 16: projection 'orders_current': mode: expected inline or async"),
                Arguments.of("injection in the table", HEAD.replace("events: order_events\n", "events: order_events\n    table: \"x; DROP TABLE outbox\"\n"), "line 16: projection 'orders_current': table: invalid table name"),
                Arguments.of("quote in a column", HEAD.replace("status: text", "\"st\\\"atus\": text"), "line 18: projection 'orders_current': columns.st\"atus: invalid column name"),
                Arguments.of("reserved column", HEAD.replace("status: text", "stream_version: text"), "line 18: projection 'orders_current': columns.stream_version: 'stream_version' is a column every projection table has"),
                Arguments.of("undeclared column", HEAD.replace("amount: { field: amount }", "total: { field: amount }"), "line 23: projection 'orders_current': on.OrderPlaced.total: column 'total' is not declared"),
                Arguments.of("unknown type", HEAD.replace("amount: numeric", "amount: money"), "line 19: projection 'orders_current': columns.amount: unknown type 'money'"),
                Arguments.of("two sources", HEAD.replace("{ field: amount }", "{ field: amount, value: 1 }"), "line 23: projection 'orders_current': on.OrderPlaced.amount: give exactly one of field, event or value"),
                Arguments.of("add to text", HEAD.replace("{ value: placed }", "{ value: placed, op: add }"), "line 22: projection 'orders_current': on.OrderPlaced.status.op: add applies to bigint and numeric"),
                Arguments.of("constant of the wrong type", HEAD.replace("{ field: amount }", "{ value: lots }"), "line 23: projection 'orders_current': on.OrderPlaced.amount.value: 'lots' is not a numeric value"),
                Arguments.of("unknown event field", HEAD.replace("{ field: amount }", "{ event: recorded_by }"), "on.OrderPlaced.amount.event: unknown event field 'recorded_by'"),
                Arguments.of("empty path key", HEAD.replace("{ field: amount }", "{ field: \"a..b\" }"), "on.OrderPlaced.amount.field: invalid payload field path"),
                Arguments.of("source no feed writes", HEAD.replace("events: order_events", "events: other_events"), "feeds.yaml: line 14: projection 'orders_current': events: 'other_events' is no feed's event table"),
                Arguments.of("an event table as target", HEAD.replace("events: order_events\n", "events: order_events\n    table: order_events\n"), "table: 'order_events' is an event table"),
                Arguments.of("an Inlet table as target", HEAD.replace("events: order_events\n", "events: order_events\n    table: outbox\n"), "table: 'outbox' is one of Inlet's own tables"),
                Arguments.of("the catalog as target", HEAD.replace("events: order_events\n", "events: order_events\n    table: projections\n"), "table: 'projections' is one of Inlet's own tables"),
                Arguments.of("too long for the shadow", HEAD.replace("name: orders_current", "name: " + "o".repeat(49)), "invalid name"),
                Arguments.of("duplicate name", HEAD + HEAD.substring(HEAD.indexOf("  - name: orders_current")), "line 24: projection 'orders_current': name: duplicate projection name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeFailsAtStartUpNamingFileLineProjectionAndField(String name, String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(FeedConfigException.class).hasMessageStartingWith("feeds.yaml: ")
                .hasMessageContaining(message);
    }
}
