package io.inlet.cli;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.OutboxRelayHandler;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.db.Migrations;
import io.inlet.feed.FeedRegistry;
import io.inlet.outbox.RelayReport;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The AWS path on this machine: S3Proxy and ElasticMQ in-process, PostgreSQL from the CLI's context,
 * and the real Lambda handlers invoked as the Lambda service would (S3 -> SQS notification ->
 * {@link SqsIngestHandler}; schedule -> {@link OutboxRelayHandler}; FIFO queue -> {@link SqsIngestHandler}).
 * S3Proxy sends no notifications and no event source mapping polls here, so the demo does those two
 * parts of the service: it writes the notification S3 would send, and turns received messages into
 * the SQS event Lambda would pass.
 */
@Command(name = "aws", mixinStandardHelpOptions = true,
        description = {"The AWS path locally on emulators (S3Proxy, ElasticMQ) with the real Lambda handlers:",
                "file into the bucket -> S3 notification via SQS -> SqsIngestHandler -> PostgreSQL -> OutboxRelayHandler",
                "-> FIFO queue -> SqsIngestHandler (business events), and redeliveries appending nothing."})
final class DemoAwsCommand extends CliCommand {

    static final String BUCKET = "vendor-drop";
    static final String INGEST_QUEUE = "inlet-ingest";
    static final String ORDERS_QUEUE = "inlet-orders.fifo";
    static final String OPS_QUEUE = "inlet-ops";
    static final String DOWNSTREAM_TABLE = "downstream_events";
    /** The demo's consumer of the FIFO queue: the relayed CloudEvents read back as business events. */
    static final String DOWNSTREAM_FEED = """

              - name: orders-downstream
                channel: inlet-orders.fifo
                format: cloudevent
                table: downstream_events
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The runtime's serialisation, to build the SQS events an event source mapping would pass. */
    private static final LambdaEventJson LAMBDA_JSON = new LambdaEventJson();

    @Option(names = "--workdir", paramLabel = "DIR", description = "Where the samples are unpacked (default: a new temporary directory).")
    Path workdir;

    @Override
    int run(CliContext ctx) throws Exception {
        PrintStream out = ctx.out;
        Path dir = workdir != null ? Files.createDirectories(workdir) : Files.createTempDirectory("inlet-demo-aws");
        BundledSamples.extractTo(dir);
        Path feedsFile = dir.resolve("feeds.yaml");
        Files.writeString(feedsFile, DOWNSTREAM_FEED, StandardOpenOption.APPEND);
        FeedRegistry feeds = FeedRegistry.load(feedsFile);
        ctx.useFeeds(feeds);
        out.println("1. feeds: " + feeds.feeds().size() + " file feeds, " + feeds.messageFeeds().size()
                + " message feeds (with orders-downstream reading " + ORDERS_QUEUE + ") from " + feedsFile);
        DataSource db = ctx.dataSource();
        int applied = Migrations.apply(db, feeds.eventTables());
        out.println("2. database: " + (ctx.isEmbedded() ? "embedded PostgreSQL in " + ctx.dataDir() : "the given server")
                + "; " + applied + " migration(s) applied; event tables " + feeds.eventTables());

        try (LocalS3 s3 = LocalS3.start(); LocalSqs sqs = LocalSqs.start()) {
            out.println("3. emulators: S3Proxy at " + s3.endpoint + ", ElasticMQ at " + sqs.endpoint);
            s3.client.createBucket(b -> b.bucket(BUCKET));
            String dlqUrl = sqs.createQueue(INGEST_QUEUE + "-dlq", Map.of());
            String ingestUrl = sqs.createQueue(INGEST_QUEUE, Map.of(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + sqs.arnOf(dlqUrl) + "\",\"maxReceiveCount\":\"5\"}",
                    QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
            String ordersUrl = sqs.createQueue(ORDERS_QUEUE, Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
            String opsUrl = sqs.createQueue(OPS_QUEUE, Map.of());
            out.println("   bucket " + BUCKET + "; queues " + INGEST_QUEUE + " (DLQ " + INGEST_QUEUE
                    + "-dlq after 5 receives), " + ORDERS_QUEUE + " (FIFO, destination 'orders'), " + OPS_QUEUE
                    + " (destination 'ops')");

            Inlet inlet = ctx.inlet();
            FunctionSettings settings = new FunctionSettings(feedsFile.toString(), "(from the CLI)", null, null, null,
                    Map.of("orders", ordersUrl, "ops", opsUrl), null, "claim-checks/", null, Duration.ofSeconds(5), 8);
            FunctionEnvironment env = new FunctionEnvironment(settings, s3.client, sqs.client, db, inlet);
            SqsIngestHandler ingest = new SqsIngestHandler(env);

            Path filesDir = dir.resolve("files");
            List<Path> files;
            try (Stream<Path> s = Files.walk(filesDir)) {
                files = s.filter(Files::isRegularFile)
                        .filter(p -> feeds.matchObject(BUCKET, filesDir.relativize(p).toString()).isPresent())
                        .sorted().toList();
            }
            List<String> notifications = new ArrayList<>();
            long sequencer = Instant.now().toEpochMilli() << 8;
            for (Path f : files) {
                String key = filesDir.relativize(f).toString();
                String etag = s3.client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromFile(f)).eTag();
                notifications.add(s3Notification(key, Files.size(f), etag.replace("\"", ""), String.format("%016X", sequencer++)));
            }
            out.println("4. put " + files.size() + " vendor files into s3://" + BUCKET + "/ (acme/, globex/, initech/, umbrella/)");

            int failed = deliver(notifications, sqs, ingestUrl, ingest);
            out.println("5. S3 notifications (" + notifications.size() + ", keys URL-encoded as S3 writes them) sent to "
                    + INGEST_QUEUE + ", received, handed to SqsIngestHandler: " + failed + " batch item failure(s)");
            out.println("   ledger:");
            printLedger(db, out);
            Map<String, Long> ingested = eventCounts(db, feeds);
            out.println("   events: " + ingested);

            RelayReport relayed = new OutboxRelayHandler(env).handleRequest(Map.of(), new DemoContext(60_000));
            out.println("6. OutboxRelayHandler: " + relayed.published() + " published, " + relayed.failed() + " failed, "
                    + relayed.pending() + " pending, lag " + relayed.oldestPendingAgeSeconds()
                    + " s (its metrics: the EMF line {\"_aws\":...} on stdout)");

            List<Message> orders = sqs.drain(ordersUrl);
            List<Message> ops = sqs.drain(opsUrl);
            out.println("7. received " + orders.size() + " message(s) from " + ORDERS_QUEUE + " and " + ops.size()
                    + " from " + OPS_QUEUE + "; the first of " + ORDERS_QUEUE + ":");
            for (Message m : orders.subList(0, Math.min(3, orders.size()))) {
                out.println("   group=" + m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)
                        + " dedup=" + m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)
                        + " eventType=" + attribute(m, "eventType") + " schemaVersion=" + attribute(m, "schemaVersion")
                        + " correlationId=" + attribute(m, "correlationId"));
            }

            String ordersArn = sqs.arnOf(ordersUrl);
            long before = count(db, DOWNSTREAM_TABLE);
            int downstreamFailures = handle(orders, ordersArn, ingest);
            long appended = count(db, DOWNSTREAM_TABLE) - before;
            out.println("8. those messages as an SQS event to SqsIngestHandler (channel " + ORDERS_QUEUE + "): "
                    + appended + " appended to " + DOWNSTREAM_TABLE + ", " + downstreamFailures + " failure(s)");
            int againFailures = handle(orders, ordersArn, ingest);
            long appendedAgain = count(db, DOWNSTREAM_TABLE) - before - appended;
            out.println("   the same batch delivered again: " + appendedAgain + " appended, " + againFailures + " failure(s)");

            long ledgerRows = count(db, "inlet.ingested_files");
            int failedAgain = deliver(notifications, sqs, ingestUrl, ingest);
            Map<String, Long> afterRedelivery = eventCounts(db, feeds);
            boolean nothingTwice = afterRedelivery.equals(eventCountsWithDownstream(ingested, afterRedelivery))
                    && count(db, "inlet.ingested_files") == ledgerRows;
            out.println("9. the same S3 notifications delivered again: " + failedAgain + " failure(s); events "
                    + afterRedelivery + " -> " + (nothingTwice ? "nothing appended twice" : "APPENDED AGAIN"));

            boolean ok = failed == 0 && downstreamFailures == 0 && againFailures == 0 && failedAgain == 0
                    && appended == orders.size() && appendedAgain == 0 && nothingTwice && relayed.failed() == 0;
            out.println(ok ? "AWS demo done: every step as expected." : "AWS demo: some step did not go as expected (see above).");
            return ok ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }

    /** The file-feed tables must not have moved; the downstream table is compared as it is now. */
    private static Map<String, Long> eventCountsWithDownstream(Map<String, Long> ingested, Map<String, Long> now) {
        Map<String, Long> expected = new LinkedHashMap<>(ingested);
        expected.put(DOWNSTREAM_TABLE, now.get(DOWNSTREAM_TABLE));
        return expected;
    }

    /** Sends each notification to the queue as S3 would, then receives and hands them over in batches of 10. */
    private static int deliver(List<String> notifications, LocalSqs sqs, String queueUrl, SqsIngestHandler handler) {
        for (String n : notifications) sqs.client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(n));
        return handle(sqs.drain(queueUrl), sqs.arnOf(queueUrl), handler);
    }

    private static int handle(List<Message> messages, String queueArn, SqsIngestHandler handler) {
        int failures = 0;
        for (int i = 0; i < messages.size(); i += 10) {
            SQSEvent event = ReceivedMessages.asSqsEvent(messages.subList(i, Math.min(messages.size(), i + 10)), queueArn,
                    LAMBDA_JSON);
            SQSBatchResponse response = handler.handleRequest(event, new DemoContext(60_000));
            failures += response.getBatchItemFailures().size();
        }
        return failures;
    }

    /** The notification S3 sends for a put: keys form-URL-encoded ('/' kept), as S3 writes them. */
    static String s3Notification(String key, long size, String etag, String sequencer) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", "us-east-1");
        r.put("eventTime", Instant.now().toString());
        r.put("eventName", "ObjectCreated:Put");
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "inlet-vendor-files");
        s3.putObject("bucket").put("name", BUCKET).put("arn", "arn:aws:s3:::" + BUCKET);
        s3.putObject("object").put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"))
                .put("size", size).put("eTag", etag).put("sequencer", sequencer);
        return root.toString();
    }

    private static String attribute(Message m, String name) {
        var v = m.messageAttributes().get(name);
        return v == null ? "-" : v.stringValue();
    }

    private static void printLedger(DataSource db, PrintStream out) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT object_key, status, records_read, appended, rejected FROM inlet.ingested_files"
                     + " WHERE bucket = '" + BUCKET + "' ORDER BY object_key")) {
            while (rs.next()) {
                out.printf("   %-44s %-18s read=%d appended=%d rejected=%d%n", rs.getString(1), rs.getString(2),
                        rs.getLong(3), rs.getLong(4), rs.getLong(5));
            }
        }
    }

    private static Map<String, Long> eventCounts(DataSource db, FeedRegistry feeds) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : feeds.eventTables().stream().sorted().toList()) counts.put(table, count(db, table));
        return counts;
    }

    private static long count(DataSource db, String table) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** S3Proxy over an in-memory blob store, and a client built as the functions build theirs. */
    private static final class LocalS3 implements AutoCloseable {
        final S3Proxy proxy;
        final URI endpoint;
        final S3Client client;

        private LocalS3(S3Proxy proxy) {
            this.proxy = proxy;
            this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            this.client = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("demo", "demo-secret")))
                    .httpClient(UrlConnectionHttpClient.create()).forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        }

        static LocalS3 start() throws Exception {
            S3Proxy proxy = S3Proxy.builder().blobStore(BlobStores.create("transient-nio2", new Properties()))
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "demo", "demo-secret").build();
            proxy.start();
            long until = System.nanoTime() + 20_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > until) throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
                Thread.sleep(10);
            }
            return new LocalS3(proxy);
        }

        @Override
        public void close() throws Exception {
            client.close();
            proxy.stop();
        }
    }

    /** ElasticMQ in-process and an SDK client on its JSON protocol. */
    private static final class LocalSqs implements AutoCloseable {
        final SQSRestServer server;
        final URI endpoint;
        final SqsClient client;

        private LocalSqs(SQSRestServer server, int port) {
            this.server = server;
            this.endpoint = URI.create("http://127.0.0.1:" + port);
            this.client = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("demo", "demo")))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        static LocalSqs start() {
            SQSRestServer server = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
            return new LocalSqs(server, server.waitUntilStarted().localAddress().getPort());
        }

        String createQueue(String name, Map<QueueAttributeName, String> attributes) {
            return client.createQueue(b -> b.queueName(name).attributes(new HashMap<>(attributes))).queueUrl();
        }

        String arnOf(String url) {
            return client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
        }

        /** Receives until the queue answers empty, deleting what it received (as the mapping does after success). */
        List<Message> drain(String url) {
            List<Message> all = new ArrayList<>();
            while (true) {
                List<Message> got = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                if (got.isEmpty()) return all;
                for (Message m : got) client.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                all.addAll(got);
            }
        }

        @Override
        public void close() {
            client.close();
            server.stopAndWait();
        }
    }

    /** The invocation context the Lambda service would pass: a request id and the time left. */
    private static final class DemoContext implements Context {
        private final String requestId = UUID.randomUUID().toString();
        private final long deadline;

        DemoContext(long timeoutMillis) {
            this.deadline = System.currentTimeMillis() + timeoutMillis;
        }

        @Override public String getAwsRequestId() { return requestId; }
        @Override public String getLogGroupName() { return "/aws/lambda/inlet-demo"; }
        @Override public String getLogStreamName() { return "inlet-demo-" + ProcessHandle.current().pid(); }
        @Override public String getFunctionName() { return "inlet-demo"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:inlet-demo"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadline - System.currentTimeMillis()); }
        @Override public int getMemoryLimitInMB() { return 512; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
