package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet demo aws}: the whole AWS path on S3Proxy and ElasticMQ with the real handlers. */
class DemoAwsCommandTest {

    @TempDir
    Path tmp;

    @Test
    void demoAwsRunsFileToQueueToDownstreamAndRedeliveriesAppendNothing() {
        String url = TestDatabase.settingsFor(TestDatabase.fresh()).url();
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = InletDemo.execute("demo", "aws", "--database-url", url, "--workdir", tmp.toString());
        } finally {
            System.setOut(original);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        original.println(out);

        assertThat(code).isZero();
        assertThat(out).contains("1. feeds: ", "orders-downstream reading inlet-orders.fifo",
                "3. emulators: S3Proxy at http://127.0.0.1:", "ElasticMQ at http://127.0.0.1:",
                "queues inlet-ingest (DLQ inlet-ingest-dlq after 5 receives), inlet-orders.fifo (FIFO",
                "4. put 13 vendor files into s3://vendor-drop/",
                "SqsIngestHandler: 0 batch item failure(s)",
                "acme/orders-malformed.csv", "the same batch delivered again: 0 appended, 0 failure(s)",
                "nothing appended twice", "AWS demo done: every step as expected.");
        assertThat(out).containsPattern("6\\. OutboxRelayHandler: [1-9]\\d* published, 0 failed, 0 pending");
        assertThat(out).containsPattern("group=order-\\S+ dedup=\\S+ eventType=OrderPlaced schemaVersion=1");
        assertThat(out).containsPattern("8\\. those messages .*: ([1-9]\\d*) appended to downstream_events, 0 failure");
        // every message received from the FIFO queue is appended exactly once
        java.util.regex.Matcher received = java.util.regex.Pattern.compile("7\\. received (\\d+) message").matcher(out);
        java.util.regex.Matcher appended = java.util.regex.Pattern.compile(": (\\d+) appended to downstream_events").matcher(out);
        assertThat(received.find()).isTrue();
        assertThat(appended.find()).isTrue();
        assertThat(appended.group(1)).isEqualTo(received.group(1));
        assertThat(out).containsPattern("\\{\"_aws\":\\{\"Timestamp\":\\d+,\"CloudWatchMetrics\"");
    }
}
