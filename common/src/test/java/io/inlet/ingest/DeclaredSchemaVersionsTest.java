package io.inlet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Verdict;
import io.inlet.trigger.VerdictObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stored schema_version is the one the message or record declares, checked against that
 * version's schema from {@code event_types}; a version with no schema is refused, never stored as
 * another version — on the message path (attribute, CloudEvent extension) and the file path (a column).
 */
class DeclaredSchemaVersionsTest {

    static final String FEEDS = """
            version: 1
            event_types:
              Paid:
                - version: 1
                  schema: paid.v1.json
                - version: 2
                  schema: paid.v2.json
                  upcast:
                    - default: { field: currency, value: EUR }
            feeds:
              - name: payments-file
                bucket: drop
                key_pattern: "payments/**"
                format: { type: csv }
                mapping:
                  event_type: Paid
                  stream_id: "payment-{id}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: column, column: id }
                  schema_version: { column: v }
                  payload:
                    fields:
                      amount: { type: decimal }
                      currency:
                table: payment_events
                shared_streams: true
            messages:
              - name: payments
                channel: payments
                format: auto
                mapping:
                  event_type: Paid
                  stream_id: "payment-{id}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: column, column: id }
                  payload: { include: all }
                table: payment_events
                shared_streams: true
            """;

    @TempDir
    Path dir;
    DataSource ds;
    Inlet inlet;
    DeliveryHandler handler;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("paid.v1.json"), "{\"type\":\"object\",\"required\":[\"amount\"],\"properties\":{\"amount\":{\"type\":\"number\"}}}");
        Files.writeString(dir.resolve("paid.v2.json"), "{\"type\":\"object\",\"required\":[\"amount\",\"currency\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\"},\"currency\":{\"type\":\"string\",\"minLength\":3}}}");
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "feeds.yaml", dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("declared-versions").build();
        handler = inlet.deliveryHandler(null, VerdictObserver.NONE);
    }

    Verdict deliver(String id, String body, Map<String, String> attributes) {
        return handler.handle(new Delivery.BusinessMessage(new InboundMessage(id, "payments", body, attributes), null), Deadline.none());
    }

    List<String> stored() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_id, schema_version FROM payment_events ORDER BY stream_id")) {
            while (rs.next()) out.add(rs.getString(1) + " v" + rs.getInt(2));
        }
        return out;
    }

    @Test
    void aMessageIsStoredAtTheVersionItDeclaresAndCheckedAgainstThatVersionsSchema() throws Exception {
        assertThat(deliver("m1", "{\"id\":\"p1\",\"amount\":5}", Map.of()).detail()).isEqualTo("APPENDED");
        assertThat(deliver("m2", "{\"id\":\"p2\",\"amount\":5,\"currency\":\"USD\"}", Map.of("schemaVersion", "2")).detail()).isEqualTo("APPENDED");
        Verdict v2WithoutCurrency = deliver("m3", "{\"id\":\"p3\",\"amount\":5}", Map.of("schemaVersion", "2"));
        assertThat(v2WithoutCurrency.outcome()).isEqualTo(Verdict.Outcome.GAVE_UP);
        assertThat(v2WithoutCurrency.detail()).contains("violates schema version 2 of Paid (paid.v2.json)").contains("currency");
        String cloudEvent = "{\"specversion\":\"1.0\",\"id\":\"c4\",\"source\":\"/pay\",\"type\":\"Paid\",\"subject\":\"payment-p4\","
                + "\"schemaversion\":2,\"data\":{\"amount\":1,\"currency\":\"GBP\"}}";
        assertThat(deliver("m4", cloudEvent, Map.of()).detail()).isEqualTo("APPENDED");

        assertThat(stored()).containsExactly("payment-p1 v1", "payment-p2 v2", "payment-p4 v2");
    }

    @Test
    void aDeclaredVersionWithNoSchemaIsDeadLetteredNeverStoredAsAnotherVersion() throws Exception {
        Verdict byAttribute = deliver("m5", "{\"id\":\"p5\",\"amount\":5,\"currency\":\"USD\"}", Map.of("schemaVersion", "3"));
        String cloudEvent = "{\"specversion\":\"1.0\",\"id\":\"c6\",\"source\":\"/pay\",\"type\":\"Paid\",\"subject\":\"payment-p6\","
                + "\"schemaversion\":7,\"data\":{\"amount\":1}}";
        Verdict byExtension = deliver("m6", cloudEvent, Map.of());

        assertThat(byAttribute.outcome()).isEqualTo(Verdict.Outcome.GAVE_UP);
        assertThat(byAttribute.detail()).contains("schema version 3 of Paid is not declared in event_types (declared: 1 to 2)");
        assertThat(byExtension.outcome()).isEqualTo(Verdict.Outcome.GAVE_UP);
        assertThat(byExtension.detail()).contains("schema version 7 of Paid is not declared in event_types (declared: 1 to 2)");
        assertThat(stored()).isEmpty();
    }

    @Test
    void aFileRecordIsStoredAtTheVersionItsColumnDeclaresAndAnUndeclaredOneIsRejected() throws Exception {
        Files.createDirectories(dir.resolve("payments"));
        Files.writeString(dir.resolve("payments/a.csv"), "id,amount,currency,v\nf1,1.5,,1\nf2,2.5,CHF,2\nf3,3.5,CHF,9\nf4,4.5,,2\n");
        LocalFileSource source = new LocalFileSource(dir);

        FileReport report = inlet.ingestFile(source.refFor("drop", dir.resolve("payments/a.csv")), source, Deadline.none());

        assertThat(report.counts().appended()).isEqualTo(2);
        assertThat(report.counts().rejected()).isEqualTo(2);
        assertThat(stored()).containsExactly("payment-f1 v1", "payment-f2 v2");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT reason FROM rejected_records ORDER BY record_number")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("schema version 9 of Paid is not declared in event_types");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("violates schema version 2 of Paid");
        }
    }
}
