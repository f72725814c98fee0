package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.inlet.db.KeptConnection;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18.2 on the Lambda side: the environment's one database connection serves every invocation of
 * {@link SqsIngestHandler} (batches of 10 business messages, the runtime's own event classes), is
 * replaced when its backend was killed between invocations, and never crosses a SnapStart snapshot.
 */
class KeptConnectionAcrossInvocationsTest {

    DataSource raw;
    KeptConnection kept;
    FunctionEnvironment env;
    /** One observer connection for the whole test (a closed one lingers in pg_stat_activity while its backend exits). */
    Connection observer;

    @BeforeEach
    void environment() throws Exception {
        raw = TestDatabase.fresh("order_events", "downstream_events");
        kept = new KeptConnection(raw);
        env = SnapStartPrimingTest.environment(kept);
        observer = raw.getConnection();
    }

    @AfterEach
    void close() throws Exception {
        observer.close();
        kept.close();
    }

    @Test
    void everyInvocationUsesTheSameBackend() throws Exception {
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertThat(invoke(batch(10)).getBatchItemFailures()).isEmpty();
            pids.add(single(backends()));
        }

        assertThat(pids).containsOnly(pids.get(0));
        assertThat(kept.opened()).isEqualTo(1);
        assertThat(rows()).isEqualTo(50);
    }

    @Test
    void aBackendKilledBetweenInvocationsIsReplacedBeforeTheNextBatchTouchesIt() throws Exception {
        invoke(batch(10));
        int before = single(backends());
        try (Statement s = observer.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + before + ")");
        }
        awaitGone(before);
        // the next invocation comes after a pause: a connection back for less than the quiet time is lent unchecked
        Thread.sleep(KeptConnection.DEFAULT_QUIET_BEFORE_CHECK_MILLIS + 50);

        SQSBatchResponse next = invoke(batch(10));

        assertThat(next.getBatchItemFailures()).as("no message of the next batch saw the dead connection").isEmpty();
        assertThat(rows()).isEqualTo(20);
        assertThat(single(backends())).isNotEqualTo(before);
        assertThat(kept.replaced()).isEqualTo(1);
    }

    @Test
    void noConnectionCrossesASnapStartSnapshot() throws Exception {
        invoke(batch(10));
        int beforeSnapshot = single(backends());

        SnapStartPriming.checkpoint(env);
        awaitGone(beforeSnapshot);
        assertThat(backends()).as("no socket in the snapshot").isEmpty();

        SnapStartPriming.restored(env);
        int afterRestore = single(backends());
        assertThat(afterRestore).isNotEqualTo(beforeSnapshot);
        assertThat(invoke(batch(10)).getBatchItemFailures()).isEmpty();
        assertThat(single(backends())).isEqualTo(afterRestore);
    }

    private SQSBatchResponse invoke(SQSEvent event) {
        return new SqsIngestHandler(env).handleRequest(event, TestLambdaContext.withTimeout(60_000));
    }

    static SQSEvent batch(int size) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            String id = UUID.randomUUID().toString();
            m.setMessageId(id);
            m.setReceiptHandle("rh-" + id);
            m.setEventSource("aws:sqs");
            m.setEventSourceArn("arn:aws:sqs:eu-west-1:111122223333:intake");
            m.setAwsRegion("eu-west-1");
            m.setBody("{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"OrderPlaced\",\"order_id\":\"" + id.substring(0, 8)
                    + "\",\"at\":\"2026-11-20T09:00:00Z\"}");
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private long rows() throws SQLException {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM inlet.downstream_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int single(List<Integer> pids) {
        assertThat(pids).as("backends of the function besides the observer").hasSize(1);
        return pids.get(0);
    }

    private void awaitGone(int pid) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backends().contains(pid)) {
            if (System.nanoTime() > until) throw new AssertionError("backend " + pid + " still there");
            Thread.sleep(10);
        }
    }

    private List<Integer> backends() throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Statement s = observer.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY pid")) {
            while (rs.next()) pids.add(rs.getInt(1));
        }
        return pids;
    }
}
