package io.inlet.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.NothingToDo;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one handler both clouds use, over the real PostgreSQL and local files. */
class DeliveryHandlerTest {

    private static DataSource db;
    private static DeliveryHandler handler;
    private static final List<Verdict> OBSERVED = new ArrayList<>();
    private static LocalFileSource files;

    @BeforeAll
    static void start() {
        FeedRegistry feeds = Samples.feeds();
        db = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        Inlet inlet = Inlet.builder().dataSource(db).feeds(feeds).workerId("handler-test").build();
        files = new LocalFileSource(Samples.files());
        handler = inlet.deliveryHandler(files, (delivery, verdict) -> OBSERVED.add(verdict));
    }

    @Test
    void anUndecodablePayloadIsRecordedWithItsReasonAndGivenUp() throws Exception {
        Verdict v = handler.handle(new Undecodable("body is not JSON", new InboundMessage("u-1", "q", "<x/>", Map.of())),
                Deadline.none());
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.GAVE_UP);
        assertThat(recorded("q", "u-1")).isEqualTo("body is not JSON");
    }

    @Test
    void aNoticeWithoutAFeedIsRecordedUnderItsOriginalLikeAQueuedMessage() throws Exception {
        ObjectRef ref = new ObjectRef("nobody-bucket", "x/y.csv", null, null, 1L);
        Verdict v = handler.handle(new ObjectNotice(ref, ObjectChange.CREATED, null, null,
                new InboundMessage("s3://nobody-bucket/x/y.csv", "s3", "s3://nobody-bucket/x/y.csv", Map.of())), Deadline.none());
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.GAVE_UP);
        assertThat(recorded("s3", "s3://nobody-bucket/x/y.csv")).startsWith("no feed matches nobody-bucket/x/y.csv");
    }

    @Test
    void aBusinessMessageTheCoreRefusesIsGivenUpWithTheCoresReason() throws Exception {
        Verdict v = handler.handle(new BusinessMessage(new InboundMessage("m-1", "nowhere", "{}", Map.of()), null),
                Deadline.none());
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.GAVE_UP);
        assertThat(recorded("nowhere", "m-1")).isEqualTo(v.detail());
    }

    @Test
    void aCreatedNoticeIsIngestedAndItsVerdictCarriesTheFileReportToTheObserver() throws Exception {
        ObjectRef ref = files.refFor("vendor-drop", Samples.files().resolve("acme/orders-malformed.csv"));
        Delivery notice = new ObjectNotice(ref, ObjectChange.CREATED, null, null,
                new InboundMessage("n-1", "s3", "s3://" + ref.displayName(), Map.of()));
        Verdict first = handler.handle(notice, Deadline.none());
        Verdict again = handler.handle(notice, Deadline.none());
        assertThat(first.outcome()).isEqualTo(Verdict.Outcome.DONE);
        assertThat(first.file().outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(again.file().outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(OBSERVED).contains(first, again);
    }

    @Test
    void nothingToDoOverwrittenAndMetadataUpdatesAreDoneWithoutTouchingTheCore() {
        ObjectRef gone = new ObjectRef("vendor-drop", "acme/never-there.csv", "7", null, null);
        for (Delivery d : List.of(new NothingToDo("s3:TestEvent for bucket b"),
                new ObjectNotice(gone, ObjectChange.OVERWRITTEN, null, null, new InboundMessage("o-1", "gcs", "", Map.of())),
                new ObjectNotice(gone, ObjectChange.METADATA_UPDATED, null, null, new InboundMessage("o-2", "gcs", "", Map.of())))) {
            Verdict v = handler.handle(d, Deadline.none());
            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DONE);
            assertThat(v.file()).isNull();
        }
    }

    private static String recorded(String channel, String id) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT reason FROM inlet.processed_messages WHERE channel = ? AND message_id = ? AND status = 'FAILED'")) {
            ps.setString(1, channel);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "(not recorded)";
            }
        }
    }
}
