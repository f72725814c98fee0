package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestMessageCommandTest {

    static final String BODY = "{\"id\":\"inv-2001\",\"type\":\"InvoiceIssued\",\"account_id\":\"A-9\",\"at\":\"2026-11-20T10:00:00Z\",\"total\":42.50}";

    DataSource ds;
    String url;
    String feeds;

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()));
        url = TestDatabase.settingsFor(ds).url();
        feeds = Samples.root().resolve("feeds.yaml").toString();
    }

    CliRun send(String body, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("ingest-message", "--feed", "billing", "--feeds", feeds, "--database-url", url));
        args.addAll(List.of(extra));
        return CliRun.withInput(body, args.toArray(String[]::new));
    }

    @Test
    void aMessageIsIngestedOnceWhateverTimesItIsSentWithTheSameBodyAndAttributes() throws Exception {
        CliRun first = send(BODY, "--attribute", "origin=dlq");
        CliRun again = send(BODY, "--attribute", "origin=dlq");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).contains("APPENDED (1 appended, 0 duplicate, 0 conflict)");
        assertThat(again.out()).contains("ALREADY_PROCESSED");
        String id = IngestMessageCommand.defaultMessageId(BODY, Map.of("origin", "dlq"));
        assertThat(first.out()).contains("message " + id + " on billing");
        assertThat(count("SELECT count(*) FROM inlet.billing_events")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM inlet.processed_messages WHERE message_id = '" + id + "' AND status = 'PROCESSED'")).isEqualTo(1);
    }

    @Test
    void theDefaultMessageIdDependsOnBodyAndEveryAttributeButNotTheirOrder() {
        String a = IngestMessageCommand.defaultMessageId(BODY, new java.util.LinkedHashMap<>(Map.of("a", "1")));
        var ab = new java.util.LinkedHashMap<String, String>();
        ab.put("a", "1");
        ab.put("b", "2");
        var ba = new java.util.LinkedHashMap<String, String>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertThat(IngestMessageCommand.defaultMessageId(BODY, ab)).isEqualTo(IngestMessageCommand.defaultMessageId(BODY, ba))
                .isNotEqualTo(a);
        assertThat(IngestMessageCommand.defaultMessageId(BODY + " ", Map.of("a", "1"))).isNotEqualTo(a);
    }

    @Test
    void aDeadLetteredMessageFixedAndResentUnderItsOriginalIdIsProcessed() throws Exception {
        CliRun broken = send("{\"id\":\"inv-2002\",\"type\":\"InvoiceIssued\"", "--message-id", "sqs-7f3a");
        assertThat(broken.code()).as(broken.toString()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(count("SELECT count(*) FROM inlet.processed_messages WHERE message_id = 'sqs-7f3a' AND status = 'FAILED'")).isEqualTo(1);
        CliRun fixed = send(BODY.replace("inv-2001", "inv-2002"), "--message-id", "sqs-7f3a");
        assertThat(fixed.code()).as(fixed.toString()).isZero();
        assertThat(fixed.out()).contains("message sqs-7f3a on billing: APPENDED (1 appended");
        assertThat(send(BODY.replace("inv-2001", "inv-2002"), "--message-id", "sqs-7f3a").out()).contains("ALREADY_PROCESSED");
        assertThat(count("SELECT count(*) FROM inlet.processed_messages WHERE message_id = 'sqs-7f3a' AND status = 'PROCESSED'")).isEqualTo(1);
    }

    @Test
    void anUnknownFeedIsAUsageError() {
        CliRun r = CliRun.withInput(BODY, "ingest-message", "--feed", "nope", "--feeds", feeds, "--database-url", url);
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no message feed 'nope'", "billing");
    }

    long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
