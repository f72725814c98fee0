package io.inlet.bench;

import ch.qos.logback.classic.Level;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.OutboxRelayHandler;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.config.WakeQueue;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.db.KeptConnection;
import io.inlet.feed.FeedRegistry;
import io.inlet.aws.sqs.SqsRelayWaker;
import io.inlet.gcp.GcpRuntime;
import io.inlet.gcp.GcpSettings;
import io.inlet.gcp.GcsObjectFunction;
import io.inlet.gcp.OutboxRelayFunction;
import io.inlet.gcp.PubSubEventFunction;
import io.inlet.gcp.WakeTopic;
import io.inlet.gcp.decode.MessagePublishedDecoder;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.gcp.pubsub.PubSubBroker;
import io.inlet.gcp.pubsub.PubSubConnection;
import io.inlet.outbox.RelayWakeSettings;
import io.inlet.testing.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 18.1: how long a derived event waits, with the post-commit wake-up, on the emulators, and what
 * the wake costs the ingestion.
 *
 * <p><b>Latency</b> (the wake path, measured): business message in -> derived message received on its
 * destination, and object created -> derived message received, {@code bench.count} of each per cloud, sent
 * at {@code bench.rate} per second (open loop).
 * <ul>
 *   <li>AWS: ElasticMQ and S3Proxy in this JVM. A thread stands for the ingest queue's event source mapping
 *       (long-polls {@code payments-in}, hands batches of up to 10 to {@link SqsIngestHandler}), one for the
 *       wake queue's (long-polls the FIFO wake queue, hands up to 10 wakes to {@link OutboxRelayHandler}, one
 *       invocation at a time as one message group allows), one consumes the destination queue. A file is put
 *       into S3Proxy and its S3 notification sent to the ingest queue at once (S3's own notification delay
 *       is not in the figure: S3Proxy sends none).</li>
 *   <li>GCP: the Pub/Sub emulator (or the in-process service), GCS as google-cloud-nio's in-memory Storage.
 *       A thread stands for Eventarc (hands each message's or object's CloudEvent to
 *       {@link PubSubEventFunction} / {@link GcsObjectFunction}, one at a time); the wake topic's subscription
 *       hands each wake to {@link OutboxRelayFunction} as a push would (one request at a time); a subscriber
 *       receives the destination topic.</li>
 * </ul>
 * The scheduled poll is not run: its wait is given analytically (a row committed at a uniformly random
 * moment waits for the next tick of a period P: p50 P/2, p99 0.99 P, plus the same relay time).
 *
 * <p><b>Cost</b> (AWS): messages through {@link SqsIngestHandler} in batches of 10 (events built before the
 * clock starts), with the wake queue configured and without, taking turns batch by batch (so that a drift over
 * the run falls on both alike), {@code bench.costRounds} rounds of {@code bench.costMessages} each side; the
 * ratio with/without per round, and the median.
 *
 * <p>Each cloud's part runs on a database of its own (see {@link #run}) and ends by counting the outbox rows
 * left unpublished, which tells a lost wake (rows left) from a lost match (none left, arrivals missing).
 *
 * <p>Settings: bench.count (1000), bench.rate (20 per second), bench.clouds ("aws,gcp"), bench.costMessages (2000),
 * bench.costRounds (3; 0 skips the cost part), bench.patienceSeconds (180: how long a phase waits for its derived
 * messages); for the cost part bench.preloadEvents (5000) and bench.analyze (true), see {@link Autoanalyze}, and
 * bench.split (false: true prints each run's statements when the server preloads pg_stat_statements).
 */
public final class WakeLatencyBench {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: wake-files
                bucket: vendor-drop
                key_pattern: "wake/**"
                format: { type: csv }
                mapping:
                  event_type: FileRowLoaded
                  stream_id: "file-{id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: file_events
                derived:
                  - { events: appended, destination: out }
            messages:
              - name: payments
                channel: payments-in
                format: json
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: payment_events
                derived:
                  - { events: appended, destination: out }
            """;
    /**
     * A bench id standing alone: not inside a UUID (an event id such as {@code 519988fb-fce2-51ac-8095-110f...}
     * contains {@code c-8095-110}, and the derived message carries its event id before its data).
     */
    static final Pattern OUR_ID = Pattern.compile("(?<![0-9a-z])([mfc]-\\d+-\\d+)(?![0-9a-z])");
    static final String AT = "2026-12-06T10:00:00Z";

    /** Send times by our id, and each id's latency once its derived message arrived (the first arrival counts). */
    static final class Latencies {
        final Map<String, Long> sent = new ConcurrentHashMap<>();
        final Map<String, Long> latency = new ConcurrentHashMap<>();
        final AtomicInteger unmatched = new AtomicInteger();

        void sent(String id) {
            sent.put(id, System.nanoTime());
        }

        void received(String body) {
            long now = System.nanoTime();
            Matcher m = OUR_ID.matcher(body);
            if (!m.find()) {
                if (unmatched.getAndIncrement() == 0) System.out.println("a derived message without a bench id: " + body);
                return;
            }
            Long t0 = sent.get(m.group(1));
            if (t0 != null) latency.putIfAbsent(m.group(1), now - t0);
        }

        long count(String prefix) {
            return latency.keySet().stream().filter(k -> k.startsWith(prefix)).count();
        }

        boolean await(String prefix, long n, Duration timeout) throws InterruptedException {
            long until = System.nanoTime() + timeout.toNanos();
            while (count(prefix) < n) {
                if (System.nanoTime() > until) return false;
                Thread.sleep(50);
            }
            return true;
        }

        String report(String label, String prefix) {
            long[] l = latency.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue)
                    .sorted().toArray();
            if (l.length == 0) return label + ": nothing received";
            return String.format(Locale.ROOT, "%-28s n=%d  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms", label, l.length,
                    pct(l, 0.50), pct(l, 0.99), l[l.length - 1] / 1e6);
        }

        static double pct(long[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }

    /**
     * What one run does.
     *
     * @param count        messages and files per cloud (the warm-up's {@link #WARM_UP} messages come on top)
     * @param rate         sent per second, open loop
     * @param clouds       "aws", "gcp"
     * @param costMessages messages per side of a cost round
     * @param costRounds   cost rounds (0: no cost part)
     * @param patience     how long a phase waits for its derived messages before it is reported TIMED OUT
     */
    record Settings(int count, double rate, Set<String> clouds, int costMessages, int costRounds, Duration patience) {

        static Settings fromSystemProperties() {
            return new Settings(Integer.getInteger("bench.count", 1_000), Double.parseDouble(System.getProperty("bench.rate", "20")),
                    Set.copyOf(List.of(System.getProperty("bench.clouds", "aws,gcp").split("\\s*,\\s*"))),
                    Integer.getInteger("bench.costMessages", 2_000), Integer.getInteger("bench.costRounds", 3),
                    Duration.ofSeconds(Integer.getInteger("bench.patienceSeconds", 180)));
        }
    }

    /**
     * What one cloud's latency part received, and what its database still holds.
     *
     * @param messages    derived messages received of business messages sent (warm-up not counted)
     * @param files       derived messages received of files put
     * @param unpublished outbox rows not yet published at the end
     * @param outboxRows  outbox rows in all (one per event sent, warm-up included, when no id was ingested before)
     */
    record CloudRun(String cloud, long messages, long files, long unpublished, long outboxRows) {
    }

    static final int WARM_UP = 20;

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        run(Settings.fromSystemProperties());
        System.out.println("scheduled poll instead (analytic, period P = 60 s, the shortest schedule): wait p50 30 s, p99 59.4 s, "
                + "plus the relay time above");
        System.out.printf(Locale.ROOT, "loadavg after: %s%n", loadAverage());
    }

    /**
     * Runs the parts {@code settings} asks for. Each cloud's part gets a database of its own: the parts send the
     * same bench ids (the events' ids are derived from them), so in a shared database the second part's events
     * would all be duplicates of the first's (appending nothing, queuing no outbox row, waking nothing) and
     * its relay would publish the rows the first part's cost rounds left (issue 18.1's 12:22 run).
     */
    static List<CloudRun> run(Settings settings) throws Exception {
        Path feedsFile = Files.writeString(Files.createTempDirectory("inlet-wake-bench").resolve("feeds.yaml"), FEEDS);
        System.out.printf(Locale.ROOT, "wake latency bench: %d files and %d messages per cloud at %.0f/s; wake window %d ms, "
                        + "poll %d ms, linger %d ms; PostgreSQL %s; cpus %d; java %s; loadavg %s%n", settings.count(), settings.count(),
                settings.rate(), RelayWakeSettings.DEFAULTS.window().toMillis(), RelayWakeSettings.DEFAULTS.poll().toMillis(),
                RelayWakeSettings.DEFAULTS.linger().toMillis(), AppendBench.serverVersion(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
        List<CloudRun> runs = new ArrayList<>();
        if (settings.clouds().contains("aws") || settings.costRounds() > 0) {
            try (Aws aws = new Aws(TestDatabase.fresh("file_events", "payment_events"), feedsFile, settings.patience())) {
                if (settings.clouds().contains("aws")) runs.add(aws.latency(settings.count(), settings.rate()));
                if (settings.costRounds() > 0) aws.cost(settings.costMessages(), settings.costRounds());
            }
        }
        if (settings.clouds().contains("gcp")) {
            try (Gcp gcp = new Gcp(TestDatabase.fresh("file_events", "payment_events"), feedsFile, settings.patience())) {
                runs.add(gcp.latency(settings.count(), settings.rate()));
            }
        }
        return runs;
    }

    /** Outbox rows not yet published, and all of them. */
    static long[] outboxRows(DataSource db) throws java.sql.SQLException {
        try (var c = db.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FILTER (WHERE published_at IS NULL), count(*) FROM outbox")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static void pace(long startNanos, int i, double rate) throws InterruptedException {
        long due = startNanos + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }

    static String messageBody(String id, int i) {
        return "{\"id\":\"" + id + "\",\"type\":\"PaymentTaken\",\"account\":\"a-" + (i % 50) + "\",\"at\":\"" + AT
                + "\",\"amount\":\"" + (i % 100) + ".50\"}";
    }

    static byte[] fileBody(String id) {
        return ("id,at,amount\n" + id + "," + AT + ",12.50\n").getBytes(StandardCharsets.UTF_8);
    }

    /** AWS on ElasticMQ and S3Proxy, the functions' own handlers, threads standing for the event source mappings. */
    static final class Aws implements AutoCloseable {
        final SQSRestServer server;
        final S3Proxy proxy;
        final SqsClient sqs;
        final S3Client s3;
        final DataSource db;
        final FeedRegistry feeds;
        final Path feedsFile;
        final String ingestUrl, ingestArn, wakeUrl, outUrl;
        final List<KeptConnection> connections = new ArrayList<>();
        final Duration patience;

        Aws(DataSource db, Path feedsFile, Duration patience) throws Exception {
            this.db = db;
            this.patience = patience;
            this.feedsFile = feedsFile;
            this.feeds = FeedRegistry.load(feedsFile);
            server = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
            int sqsPort = server.waitUntilStarted().localAddress().getPort();
            proxy = S3Proxy.builder().blobStore(BlobStores.create("transient-nio2", new Properties()))
                    .endpoint(URI.create("http://127.0.0.1:0")).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench", "bench-secret")
                    .build();
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) Thread.sleep(10);
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench-secret"));
            sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + sqsPort)).region(Region.EU_WEST_1)
                    .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
            s3 = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort())).region(Region.EU_WEST_1)
                    .credentialsProvider(credentials).forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
            s3.createBucket(b -> b.bucket("vendor-drop"));
            ingestUrl = sqs.createQueue(b -> b.queueName("payments-in")).queueUrl();
            ingestArn = sqs.getQueueAttributes(b -> b.queueUrl(ingestUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            wakeUrl = sqs.createQueue(b -> b.queueName("inlet-relay-wake.fifo")
                    .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
            outUrl = sqs.createQueue(b -> b.queueName("out")).queueUrl();
        }

        /** One Lambda execution environment: its own kept connection, core and (optionally) wake queue. */
        FunctionEnvironment environment(String worker, boolean wake) {
            KeptConnection kept = new KeptConnection(db);
            connections.add(kept);
            FunctionSettings settings = new FunctionSettings(feedsFile.toString(), "jdbc:postgresql://bench/inlet", null, null, null,
                    Map.of("out", outUrl), null, "claim-checks/", null, Duration.ofSeconds(2), SqsEventPublisher.DEFAULT_SEND_CONCURRENCY);
            Inlet inlet = Inlet.builder().dataSource(kept).feeds(feeds).workerId(worker).build();
            return new FunctionEnvironment(settings, s3, sqs, kept, inlet, wake ? new WakeQueue(wakeUrl, RelayWakeSettings.DEFAULTS) : null);
        }

        List<Message> receive(String url) {
            return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.ALL)).messages();
        }

        void delete(String url, List<Message> messages) {
            if (messages.isEmpty()) return;
            List<software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                int n = i;
                entries.add(software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder().id("d" + n)
                        .receiptHandle(messages.get(n).receiptHandle()).build());
            }
            sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
        }

        Thread loop(String name, AtomicBoolean running, Runnable body) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        body.run();
                    } catch (RuntimeException e) {
                        System.out.println(name + ": " + e);
                    }
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        CloudRun latency(int count, double rate) throws Exception {
            FunctionEnvironment ingest = environment("bench-ingest", true);
            FunctionEnvironment relay = environment("bench-relay", true);
            Latencies l = new Latencies();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger relayInvocations = new AtomicInteger(), wakesReceived = new AtomicInteger();
            SqsIngestHandler ingestHandler = new SqsIngestHandler(ingest);
            OutboxRelayHandler relayHandler = new OutboxRelayHandler(relay);
            List<Thread> threads = List.of(
                    loop("ingest-mapping", running, () -> {
                        List<Message> batch = receive(ingestUrl);
                        if (batch.isEmpty()) return;
                        SQSBatchResponse r = ingestHandler.handleRequest(ReceivedMessages.asSqsEvent(batch, ingestArn, ingest.lambdaJson()),
                                new BenchLambdaContext());
                        Set<String> failed = new HashSet<>();
                        r.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
                        delete(ingestUrl, batch.stream().filter(m -> !failed.contains(m.messageId())).toList());
                    }),
                    loop("wake-mapping", running, () -> {
                        List<Message> wakes = receive(wakeUrl);
                        if (wakes.isEmpty()) return;
                        relayInvocations.incrementAndGet();
                        wakesReceived.addAndGet(wakes.size());
                        relayHandler.handleRequest(Map.of("Records", wakes.stream().map(m -> (Object) Map.of("messageId", m.messageId(),
                                "body", m.body(), "eventSource", "aws:sqs")).toList()), new BenchLambdaContext());
                        delete(wakeUrl, wakes);
                    }),
                    loop("destination", running, () -> {
                        List<Message> out = receive(outUrl);
                        out.forEach(m -> l.received(m.body()));
                        delete(outUrl, out);
                    }));
            // warm-up (not counted): a few of each through the same path
            warm(l, rate, "c-0-", WARM_UP);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                pace(start, i, rate);
                String id = "m-1-" + i;
                l.sent(id);
                String body = messageBody(id, i);
                sqs.sendMessage(b -> b.queueUrl(ingestUrl).messageBody(body));
            }
            boolean messagesDone = l.await("m-", count, patience);
            start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                pace(start, i, rate);
                String id = "f-2-" + i;
                String key = "wake/" + id + ".csv";
                byte[] bytes = fileBody(id);
                l.sent(id);
                String etag = s3.putObject(b -> b.bucket("vendor-drop").key(key), RequestBody.fromBytes(bytes)).eTag().replace("\"", "");
                String notification = s3Notification("vendor-drop", key, bytes.length, etag, i);
                sqs.sendMessage(b -> b.queueUrl(ingestUrl).messageBody(notification));
            }
            boolean filesDone = l.await("f-", count, patience);
            running.set(false);
            for (Thread t : threads) t.join(5_000);
            var meters = ingest.inlet().meterRegistry();
            System.out.println("AWS (ElasticMQ + S3Proxy), wake path" + (messagesDone && filesDone ? "" : " (TIMED OUT: not all received)"));
            System.out.println("  " + l.report("message in -> derived out", "m-"));
            System.out.println("  " + l.report("object created -> derived", "f-"));
            System.out.printf(Locale.ROOT, "  ingestions that queued rows %.0f: wakes sent %.0f, coalesced %.0f, failed %.0f; "
                            + "wakes on the FIFO queue (after dedup) %d; woken relay invocations %d%n",
                    meters.counter("inlet.relay.wakes", "result", "SENT").count()
                            + meters.counter("inlet.relay.wakes", "result", "COALESCED").count()
                            + meters.counter("inlet.relay.wakes", "result", "FAILED").count(),
                    meters.counter("inlet.relay.wakes", "result", "SENT").count(),
                    meters.counter("inlet.relay.wakes", "result", "COALESCED").count(),
                    meters.counter("inlet.relay.wakes", "result", "FAILED").count(), wakesReceived.get(), relayInvocations.get());
            long[] outbox = outboxRows(db);
            System.out.printf(Locale.ROOT, "  outbox rows left unpublished at the end %d of %d%n", outbox[0], outbox[1]);
            return new CloudRun("aws", l.count("m-"), l.count("f-"), outbox[0], outbox[1]);
        }

        private void warm(Latencies l, double rate, String prefix, int n) throws Exception {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pace(start, i, rate);
                String id = prefix + i;
                l.sent(id);
                String body = messageBody(id, i);
                sqs.sendMessage(b -> b.queueUrl(ingestUrl).messageBody(body));
            }
            l.await(prefix, n, patience);
        }

        static String s3Notification(String bucket, String key, long size, String etag, int sequence) {
            return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"eu-west-1\",\"eventTime\":\""
                    + Instant.now() + "\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\","
                    + "\"configurationId\":\"bench\",\"bucket\":{\"name\":\"" + bucket + "\",\"arn\":\"arn:aws:s3:::" + bucket
                    + "\"},\"object\":{\"key\":\"" + key + "\",\"size\":" + size + ",\"eTag\":\"" + etag + "\",\"sequencer\":\""
                    + String.format(Locale.ROOT, "%018X", sequence + 1L) + "\"}}}]}";
        }

        /**
         * Ingest throughput with the wake queue configured against without; the relay does not run. Within a
         * round the two handlers take turns batch by batch (which goes first alternates from pair to pair), so
         * both see the same tables at the same sizes and the same machine: a drift over the run (tables
         * growing, the machine's load) falls on both sides alike instead of on whichever block ran later.
         */
        void cost(int messages, int rounds) throws Exception {
            FunctionEnvironment withWake = environment("bench-cost-wake", true);
            FunctionEnvironment without = environment("bench-cost-none", false);
            SqsIngestHandler wakeHandler = new SqsIngestHandler(withWake), plainHandler = new SqsIngestHandler(without);
            Autoanalyze.preload(db, "payment_events"); // a deployment's event table is not empty (Autoanalyze)
            timed(plainHandler, batches("w-0-", 500));
            timed(wakeHandler, batches("w-1-", 500));
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                List<SQSEvent> wakeBatches = batches("x-" + round + "w-", messages), plainBatches = batches("x-" + round + "p-", messages);
                Autoanalyze.now(db); // as autovacuum would have by now on a deployment (Autoanalyze)
                long wakeNanos = 0, plainNanos = 0;
                for (int i = 0; i < wakeBatches.size(); i++) {
                    boolean wakeFirst = (i + round) % 2 == 0;
                    if (wakeFirst) wakeNanos += timed(wakeHandler, List.of(wakeBatches.get(i)));
                    plainNanos += timed(plainHandler, List.of(plainBatches.get(i)));
                    if (!wakeFirst) wakeNanos += timed(wakeHandler, List.of(wakeBatches.get(i)));
                }
                double wake = messages / (wakeNanos / 1e9), plain = messages / (plainNanos / 1e9);
                ratios.add(wake / plain);
                System.out.printf(Locale.ROOT, "cost round %d (batches interleaved): with wake %.0f msg/s, without %.0f msg/s, ratio %.3f%n",
                        round, wake, plain, wake / plain);
                sqs.purgeQueue(p -> p.queueUrl(wakeUrl));
            }
            List<Double> sorted = ratios.stream().sorted().toList();
            var meters = withWake.inlet().meterRegistry();
            System.out.printf(Locale.ROOT, "cost: median ratio with/without wake %.3f (rounds %s); wakes sent %.0f, coalesced %.0f%n",
                    sorted.get(sorted.size() / 2), ratios.stream().map(d -> String.format(Locale.ROOT, "%.3f", d)).toList(),
                    meters.counter("inlet.relay.wakes", "result", "SENT").count(),
                    meters.counter("inlet.relay.wakes", "result", "COALESCED").count());
            // where the wake side's extra time goes: one wake's send, timed as the handler makes it
            SqsRelayWaker waker = new SqsRelayWaker(sqs, wakeUrl, RelayWakeSettings.DEFAULTS.window());
            long[] sends = new long[50];
            for (int i = 0; i < sends.length; i++) {
                long t0 = System.nanoTime();
                waker.wake();
                sends[i] = System.nanoTime() - t0;
            }
            sqs.purgeQueue(p -> p.queueUrl(wakeUrl));
            Arrays.sort(sends);
            System.out.printf(Locale.ROOT, "cost: one wake's SendMessage to the FIFO wake queue, %d timed: p50 %.2f ms, mean %.2f ms, p99 %.2f ms%n",
                    sends.length, sends[sends.length / 2] / 1e6, Arrays.stream(sends).average().orElse(0) / 1e6,
                    sends[sends.length - 1] / 1e6);
        }

        /** SQS events of 10 messages each (the last may hold fewer), {@code messages} in all, built before any clock starts. */
        private List<SQSEvent> batches(String prefix, int messages) {
            List<SQSEvent> batches = new ArrayList<>();
            for (int i = 0; i < messages; i += 10) {
                List<SQSEvent.SQSMessage> records = new ArrayList<>();
                for (int j = i; j < Math.min(messages, i + 10); j++) {
                    SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
                    r.setMessageId(prefix + j + "-" + System.nanoTime());
                    r.setReceiptHandle("rh-" + j);
                    r.setEventSource("aws:sqs");
                    r.setEventSourceArn(ingestArn);
                    r.setAwsRegion("eu-west-1");
                    r.setAttributes(Map.of("ApproximateReceiveCount", "1", "SentTimestamp", "1763629200000"));
                    r.setBody(messageBody(prefix + j, j).replace("\"id\":\"" + prefix + j, "\"id\":\"" + prefix + j + "-" + System.nanoTime()));
                    records.add(r);
                }
                SQSEvent event = new SQSEvent();
                event.setRecords(records);
                batches.add(event);
            }
            return batches;
        }

        /** Nanoseconds {@code handler} takes for {@code batches}, one invocation each; a failed message fails the run. */
        private long timed(SqsIngestHandler handler, List<SQSEvent> batches) {
            long t0 = System.nanoTime();
            for (SQSEvent batch : batches) {
                if (!handler.handleRequest(batch, new BenchLambdaContext()).getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("a message failed in the cost run");
                }
            }
            return System.nanoTime() - t0;
        }

        @Override
        public void close() throws Exception {
            for (KeptConnection k : connections) k.close();
            sqs.close();
            s3.close();
            proxy.stop();
            server.stopAndWait();
        }
    }

    /** GCP on the Pub/Sub emulator (or the in-process service) and in-memory GCS, the functions' own classes. */
    static final class Gcp implements AutoCloseable {
        final PubSubBroker broker;
        final Storage storage = LocalStorageHelper.getOptions().getService();
        final GcpRuntime ingest, relay;
        final KeptConnection ingestDb, relayDb;
        final PubSubConnection connection;
        final DataSource db;
        final Duration patience;

        Gcp(DataSource db, Path feedsFile, Duration patience) throws Exception {
            this.db = db;
            this.patience = patience;
            broker = PubSubBroker.startBest();
            System.out.println("GCP broker: " + broker.describe());
            broker.createTopic("out");
            broker.createSubscription("out", "out-sub", false);
            broker.createTopic("relay-wake");
            broker.createSubscription("relay-wake", "relay-wake-sub", false);
            GcpSettings settings = new GcpSettings(feedsFile.toString(), "jdbc:postgresql://bench/inlet", null, null,
                    Map.of("out", TopicName.of(PubSubBroker.PROJECT, "out")), Set.of(), "payments-in", broker.hostAndPort(),
                    Duration.ofSeconds(300));
            WakeTopic wake = new WakeTopic(TopicName.of(PubSubBroker.PROJECT, "relay-wake"), RelayWakeSettings.DEFAULTS);
            ingestDb = new KeptConnection(db);
            relayDb = new KeptConnection(db);
            ingest = GcpRuntime.create(settings, storage, ingestDb, wake);
            relay = GcpRuntime.create(settings, storage, relayDb, wake);
            connection = PubSubConnection.emulator(broker.hostAndPort());
        }

        /**
         * A synchronous pull loop on its own thread (the emulator drops streaming pulls that see no server
         * ping for 20 s): each pulled batch is handed to {@code handler}, then acknowledged.
         */
        Thread pullLoop(String subscription, AtomicBoolean running, java.util.function.Consumer<List<PubsubMessage>> handler)
                throws java.io.IOException {
            com.google.cloud.pubsub.v1.stub.SubscriberStub stub = com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub.create(
                    com.google.cloud.pubsub.v1.stub.SubscriberStubSettings.newBuilder()
                            .setTransportChannelProvider(connection.channelProvider())
                            .setCredentialsProvider(connection.credentialsProvider()).build());
            String name = ProjectSubscriptionName.of(PubSubBroker.PROJECT, subscription).toString();
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        var response = stub.pullCallable().call(com.google.pubsub.v1.PullRequest.newBuilder()
                                .setSubscription(name).setMaxMessages(100).build());
                        if (response.getReceivedMessagesCount() == 0) continue;
                        List<PubsubMessage> batch = new ArrayList<>();
                        List<String> acks = new ArrayList<>();
                        response.getReceivedMessagesList().forEach(m -> {
                            batch.add(m.getMessage());
                            acks.add(m.getAckId());
                        });
                        handler.accept(batch);
                        stub.acknowledgeCallable().call(com.google.pubsub.v1.AcknowledgeRequest.newBuilder()
                                .setSubscription(name).addAllAckIds(acks).build());
                    } catch (RuntimeException e) {
                        if (running.get()) System.out.println(subscription + ": " + e);
                    }
                }
                stub.close();
            }, subscription);
            t.setDaemon(true);
            t.start();
            return t;
        }

        CloudRun latency(int count, double rate) throws Exception {
            Latencies l = new Latencies();
            PubSubEventFunction messages = new PubSubEventFunction(ingest);
            GcsObjectFunction objects = new GcsObjectFunction(ingest);
            OutboxRelayFunction relayFunction = new OutboxRelayFunction(relay);
            AtomicInteger relayRuns = new AtomicInteger();
            Object oneRequestAtATime = new Object();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread out = pullLoop("out-sub", running, batch -> batch.forEach(m -> l.received(m.getData().toStringUtf8())));
            // one relay request at a time (max_instance_count 1, concurrency 1): the wakes pulled together stand
            // for those a push delivers while the relay runs (refused, then retried): one run covers them
            Thread wakes = pullLoop("relay-wake-sub", running, batch -> {
                synchronized (oneRequestAtATime) {
                    relayRuns.incrementAndGet();
                    relayFunction.relay(true);
                }
            });
            BlockingQueue<Runnable> eventarc = new LinkedBlockingQueue<>();
            Thread delivery = new Thread(() -> {
                while (running.get() || !eventarc.isEmpty()) {
                    try {
                        Runnable r = eventarc.poll(100, TimeUnit.MILLISECONDS);
                        if (r != null) r.run();
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        System.out.println("eventarc: " + e);
                    }
                }
            }, "eventarc");
            delivery.setDaemon(true);
            delivery.start();
            for (String phase : List.of("c-0-", "m-1-", "f-2-")) {
                int n = phase.startsWith("c") ? WARM_UP : count;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    pace(start, i, rate);
                    String id = phase + i;
                    if (phase.startsWith("f")) {
                        String key = "wake/" + id + ".csv";
                        byte[] bytes = fileBody(id);
                        l.sent(id);
                        storage.create(BlobInfo.newBuilder("vendor-drop", key).setContentType("text/csv").build(), bytes);
                        CloudEvent event = finalized(key, bytes.length, id);
                        eventarc.add(() -> objects.accept(event));
                    } else {
                        l.sent(id);
                        CloudEvent event = published(id, messageBody(id, i));
                        eventarc.add(() -> messages.accept(event));
                    }
                }
                boolean done = l.await(phase.substring(0, 2), n, patience);
                var im = ingest.inlet().meterRegistry();
                var rm = relay.inlet().meterRegistry();
                // outbox rows: one per event sent when its id is new here; fewer means ids ingested before (duplicates)
                System.out.printf(Locale.ROOT, "  GCP phase %s: %s; received %d of %d; messages appended %.0f, files %s; outbox rows %d; "
                                + "wakes sent %.0f; relay runs %d, published %.0f, publish failures %.0f%n", phase, done ? "done" : "TIMED OUT",
                        l.count(phase.substring(0, 2)), n, im.counter("inlet.messages", "status", "APPENDED").count(),
                        im.find("inlet.files").counters().stream().map(c -> c.getId().getTag("outcome") + "=" + (long) c.count()).toList(),
                        outboxRows(db)[1], im.counter("inlet.relay.wakes", "result", "SENT").count(), relayRuns.get(),
                        rm.counter("inlet.relay.published").count(), rm.counter("inlet.relay.publish.failures").count());
            }
            running.set(false);
            delivery.join(5_000);
            out.join(15_000);
            wakes.join(15_000);
            var meters = ingest.inlet().meterRegistry();
            System.out.println("GCP (" + broker.describe() + ", in-memory GCS), wake path");
            System.out.println("  " + l.report("message in -> derived out", "m-"));
            System.out.println("  " + l.report("object created -> derived", "f-"));
            System.out.printf(Locale.ROOT, "  wakes sent %.0f, coalesced %.0f, failed %.0f; woken relay runs %d%n",
                    meters.counter("inlet.relay.wakes", "result", "SENT").count(),
                    meters.counter("inlet.relay.wakes", "result", "COALESCED").count(),
                    meters.counter("inlet.relay.wakes", "result", "FAILED").count(), relayRuns.get());
            long[] outbox = outboxRows(db);
            System.out.printf(Locale.ROOT, "  outbox rows left unpublished at the end %d of %d%n", outbox[0], outbox[1]);
            return new CloudRun("gcp", l.count("m-"), l.count("f-"), outbox[0], outbox[1]);
        }

        static CloudEvent published(String id, String body) {
            String data = "{\"subscription\":\"projects/bench/subscriptions/eventarc-payments-in\",\"message\":{\"data\":\""
                    + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\",\"messageId\":\"" + id
                    + "\",\"publishTime\":\"" + Instant.now() + "\"}}";
            return CloudEventBuilder.v1().withId(id).withType(MessagePublishedDecoder.TYPE)
                    .withSource(URI.create("//pubsub.googleapis.com/projects/bench/topics/payments-in"))
                    .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
        }

        static CloudEvent finalized(String key, long size, String id) {
            String data = "{\"kind\":\"storage#object\",\"name\":\"" + key + "\",\"bucket\":\"vendor-drop\",\"size\":\"" + size
                    + "\",\"contentType\":\"text/csv\",\"timeCreated\":\"" + Instant.now() + "\"}";
            return CloudEventBuilder.v1().withId("gcs-" + id).withType(StorageEventDecoder.FINALIZED)
                    .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/vendor-drop")).withSubject("objects/" + key)
                    .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
        }

        @Override
        public void close() throws Exception {
            ingest.close();
            relay.close();
            connection.close();
            broker.close();
        }
    }

    private WakeLatencyBench() {
    }

    static long[] sorted(List<Long> values) {
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }
}
