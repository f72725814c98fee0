package io.inlet.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A feed may not write into Inlet's own tables, and feeds of different vendors may not write stream
 * ids that can coincide in one table unless both say so.
 */
class FeedTablesAndStreamsTest {

    static final String ACME = FeedsFileErrorsTest.VALID;
    static final String GLOBEX = FeedsFileErrorsTest.SECOND_FEED + "    table: order_events\n";

    @ParameterizedTest
    @ValueSource(strings = {"ingested_files", "outbox", "processed_messages", "rejected_records", "ingest_slices",
            "ingest_lanes", "vendor_access", "event_tables", "flyway_schema_history", "stream_heads", "event_position_seq",
            "pg_class", "pg_anything"})
    void aFeedNamingOneOfInletsOwnTablesIsRefusedNamingFeedAndField(String table) {
        String yaml = ACME.replace("table: order_events", "table: " + table);
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .isInstanceOf(FeedConfigException.class)
                .hasMessageStartingWith("feeds.yaml: feed 'acme-orders': table: ")
                .hasMessageContaining("'" + table + "'");
    }

    @Test
    void aMessageFeedNamingOneOfInletsOwnTablesIsRefused() {
        String yaml = ACME + """
                messages:
                  - name: billing
                    channel: billing
                    mapping:
                      event_type: { column: type }
                      stream_id: "account-{account_id}"
                      occurred_at: { column: at }
                      id: { strategy: column, column: id }
                    table: outbox
                """;
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .isInstanceOf(FeedConfigException.class)
                .hasMessageStartingWith("feeds.yaml: message feed 'billing': table: ");
    }

    @Test
    void twoVendorsWritingTheSameStreamTemplateIntoOneTableAreRefused() {
        assertThatThrownBy(() -> FeedRegistry.parse(ACME + GLOBEX, "feeds.yaml"))
                .isInstanceOf(FeedConfigException.class)
                .hasMessage("feeds.yaml: feed 'globex-orders': mapping.stream_id: stream ids of 'order-{order_id}' can equal "
                        + "those of feed 'acme-orders' ('order-{order_id}') in table order_events, so one vendor could append to "
                        + "the other's streams; scope the template by vendor (e.g. 'globex:order-{order_id}') or set "
                        + "shared_streams: true on both feeds");
    }

    @Test
    void sharingIsAllowedWhenBothFeedsOptIn() {
        String both = ACME.replace("    table: order_events", "    table: order_events\n    shared_streams: true")
                + GLOBEX + "    shared_streams: true\n";
        assertThat(FeedRegistry.parse(both, "feeds.yaml").feeds()).hasSize(2);

        String oneOnly = ACME + GLOBEX + "    shared_streams: true\n";
        assertThatThrownBy(() -> FeedRegistry.parse(oneOnly, "feeds.yaml")).hasMessageContaining("shared_streams: true on both");
    }

    @ParameterizedTest(name = "{0} vs {1}: overlap {2}")
    @CsvSource(delimiter = '|', textBlock = """
            order-{order_id}          | order-{order_id}          | true
            acme:order-{order_id}     | globex:order-{order_id}   | false
            order-{order_id}          | order-{order_id}-x        | true
            {vendor}-{order_id}       | acme:order-{order_id}     | true
            order-{order_id}          | orders-{order_id}         | false
            order/{order_id}          | order-{order_id}          | false
            orders                    | orders                    | true
            orders                    | order-{order_id}          | false
            acme:{a}                  | acme:                     | false
            {a}x                      | {b}y                      | false
            """)
    void templatesOverlapWhenSomeValuesMakeTheSameStreamId(String a, String b, boolean overlap) {
        String yaml = ACME.replace("order-{order_id}", a) + GLOBEX.replace("order-{order_id}", b);
        if (overlap) {
            assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml")).hasMessageContaining("mapping.stream_id");
        } else {
            assertThat(FeedRegistry.parse(yaml, "feeds.yaml").feeds()).hasSize(2);
        }
    }

    @Test
    void oneVendorsFeedsMayShareStreamsWithoutOptingIn() {
        String returns = GLOBEX.replace("globex-orders", "acme-returns").replace("globex/**", "acme/returns/**");
        assertThat(FeedRegistry.parse(ACME + returns, "feeds.yaml").feeds()).hasSize(2);
    }

    @Test
    void feedsInDifferentTablesNeverShareStreams() {
        String other = GLOBEX.replace("table: order_events", "table: globex_events");
        assertThat(FeedRegistry.parse(ACME + other, "feeds.yaml").feeds()).hasSize(2);
    }

    @Test
    void aCloudEventFeedWithoutMappingTakesAnySubjectSoItSharesWithEveryFeedOfItsTable() {
        String yaml = ACME + """
                messages:
                  - name: partner-events
                    channel: partner
                    format: cloudevent
                    table: order_events
                """;
        assertThatThrownBy(() -> FeedRegistry.parse(yaml, "feeds.yaml"))
                .hasMessageStartingWith("feeds.yaml: message feed 'partner-events': mapping.stream_id: stream ids of "
                        + "'{subject}' can equal those of feed 'acme-orders'");
    }
}
