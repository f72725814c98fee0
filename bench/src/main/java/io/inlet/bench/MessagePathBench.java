package io.inlet.bench;

import io.inlet.testing.JdbcCallTimer;
import ch.qos.logback.classic.Level;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.db.KeptConnection;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.GcpRuntime;
import io.inlet.gcp.GcpSettings;
import io.inlet.gcp.PubSubEventFunction;
import io.inlet.gcp.decode.MessagePublishedDecoder;
import io.inlet.testing.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The message path (issue 18.2): business messages through the functions' own entry points against a
 * bare INSERT per message, all into one database of the embedded server, in one run.
 *
 * <ul>
 *   <li><b>bare</b> (the baseline): one kept connection, auto-commit, one prepared {@code INSERT} of the
 *       message's id, stream, type, time and JSON payload per message (fields known up front: no decoding).</li>
 *   <li><b>sqs</b>: {@link SqsIngestHandler} over a {@link FunctionEnvironment} whose database is a
 *       {@link KeptConnection}, fed {@link SQSEvent}s of 10 records (the runtime's event classes) built before
 *       the clock starts. A record's latency is its batch's: SQS deletes it when the invocation returns.</li>
 *   <li><b>pubsub</b>: {@link PubSubEventFunction} over a {@link GcpRuntime} on a {@link KeptConnection} of its
 *       own, one messagePublished CloudEvent per invocation.</li>
 *   <li><b>sqs-unkept</b> (for reference): the SQS handler over the plain data source, a new connection per
 *       transaction, as before issue 18.2 (locally: no TLS, so a real network costs it much more).</li>
 * </ul>
 * Every message is new (a fresh id), so each is appended, ledgered and committed. Variants run one after
 * another in a rotating order per round; figures per round, ratios against that round's bare run.
 * Logging at WARN (the handlers' per-message INFO line is not what is measured).
 *
 * <p>Then, for where the time goes, the bare, sqs and pubsub paths once more over a {@link JdbcCallTimer}.
 *
 * <p>Settings: bench.messages (5000 per variant and round), bench.rounds (3), bench.warmup (2000 per variant),
 * bench.variants ("bare,sqs,pubsub,sqs-unkept"), bench.profileMessages (2000; 0: no profile), bench.preloadEvents
 * (5000 events in the event table before the warm-up) and bench.analyze (true: ANALYZE before each run), see
 * {@link Autoanalyze}; bench.split (false: true prints each run's JDBC and JVM time, and its statements when the
 * server preloads pg_stat_statements).
 */
public final class MessagePathBench {

    static final String FEEDS = """
            version: 1
            messages:
              - name: intake
                channel: intake
                format: json
                mapping:
                  event_type: { column: type }
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: downstream_events
            """;
    static final URI NOWHERE = URI.create("http://127.0.0.1:9");

    /** One business message: what the bare path inserts and what the functions receive. */
    record Message(String messageId, UUID eventId, String orderId, Instant at, String body) {

        static Message next(long n) {
            UUID eventId = UUID.randomUUID();
            String orderId = Long.toString(n);
            Instant at = Instant.parse("2026-11-20T09:00:00Z").plusSeconds(n % 86_400);
            String body = "{\"id\":\"" + eventId + "\",\"type\":\"OrderPlaced\",\"order_id\":\"" + orderId + "\",\"at\":\"" + at
                    + "\",\"amount\":\"" + (n % 1000) + ".50\",\"currency\":\"EUR\",\"customer\":\"c-" + (n % 977) + "\"}";
            return new Message(UUID.randomUUID().toString(), eventId, orderId, at, body);
        }
    }

    /** Timings of one variant's run: elapsed nanos and each message's latency. */
    record Run(String variant, int messages, long nanos, long[] latencies) {

        double perSecond() {
            return messages / (nanos / 1e9);
        }

        double percentileMillis(double p) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }

    interface Variant {
        Run run(List<Message> messages) throws Exception;
    }

    private long sequence;

    private List<Message> messages(int n) {
        List<Message> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(Message.next(sequence++));
        return list;
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        int count = Integer.getInteger("bench.messages", 5_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int warmup = Integer.getInteger("bench.warmup", 2_000);
        List<String> names = List.of(System.getProperty("bench.variants", "bare,sqs,pubsub,sqs-unkept").split("\\s*,\\s*"));
        new MessagePathBench().measure(count, rounds, warmup, names);
    }

    void measure(int count, int rounds, int warmup, List<String> names) throws Exception {
        DataSource fresh = TestDatabase.fresh("downstream_events");
        JdbcCallTimer split = Boolean.getBoolean("bench.split") ? new JdbcCallTimer(fresh, sql -> "sql " + JdbcCallTimer.firstWords(sql)) : null;
        DataSource raw = split == null ? fresh : split;
        try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bare_events (event_id uuid PRIMARY KEY, stream_id text NOT NULL, event_type text NOT NULL, "
                    + "occurred_at timestamptz NOT NULL, payload jsonb NOT NULL)");
        }
        Autoanalyze.preload(fresh, "downstream_events"); // a deployment's event table is not empty (Autoanalyze)
        Path feedsFile = Files.writeString(Files.createTempDirectory("inlet-message-bench").resolve("feeds.yaml"), FEEDS);
        FeedRegistry feeds = FeedRegistry.load(feedsFile);

        Map<String, Variant> variants = new LinkedHashMap<>();
        try (Connection bare = raw.getConnection();
             KeptConnection sqsConnection = new KeptConnection(raw);
             KeptConnection pubsubConnection = new KeptConnection(raw);
             GcpRuntime gcp = gcpRuntime(feedsFile, pubsubConnection)) {
            variants.put("bare", list -> bare(bare, list));
            variants.put("sqs", list -> sqs(new SqsIngestHandler(awsEnvironment(sqsConnection, feeds, feedsFile)), list));
            variants.put("pubsub", list -> pubsub(new PubSubEventFunction(gcp), list));
            variants.put("sqs-unkept", list -> sqs(new SqsIngestHandler(awsEnvironment(raw, feeds, feedsFile)), list));
            variants.keySet().retainAll(names);

            System.out.printf(Locale.ROOT, "message path bench: %d messages per variant and round, %d rounds, warm-up %d; "
                            + "PostgreSQL %s; cpus %d; java %s%n", count, rounds, warmup, AppendBench.serverVersion(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            for (Map.Entry<String, Variant> v : variants.entrySet()) v.getValue().run(messages(warmup));

            List<String> order = new ArrayList<>(variants.keySet());
            Map<String, List<Double>> ratios = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                Map<String, Run> runs = new LinkedHashMap<>();
                for (String name : order) {
                    Autoanalyze.now(fresh); // as autovacuum would have by now on a deployment (Autoanalyze)
                    if (split != null) {
                        split.reset();
                        serverStatements(fresh, null, 0);
                    }
                    Run r = variants.get(name).run(messages(count));
                    if (split != null) {
                        double wall = r.nanos() / 1e3 / count, jdbc = split.totalNanos() / 1e3 / count;
                        System.out.printf(Locale.ROOT, "split round %d %-7s %7.1f us/message: %6.1f us in %4.2f JDBC calls, %6.1f us elsewhere%n",
                                round, name, wall, jdbc, (double) split.totalCalls() / count, wall - jdbc);
                        for (Map.Entry<String, long[]> e : split.snapshot().entrySet()) {
                            System.out.printf(Locale.ROOT, "    %6.2f/message %7.1f us/message  %s%n", (double) e.getValue()[0] / count,
                                    e.getValue()[1] / 1e3 / count, e.getKey());
                        }
                        serverStatements(fresh, name, count);
                    }
                    runs.put(name, new Run(name, r.messages(), r.nanos(), r.latencies()));
                }
                Run baseline = runs.get("bare");
                for (Run r : runs.values()) {
                    double ratio = baseline == null ? Double.NaN : r.perSecond() / baseline.perSecond();
                    ratios.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(ratio);
                    System.out.printf(Locale.ROOT, "round %d  %-11s %8.0f msg/s  ratio %.2f  per message p50 %6.2f ms  p99 %6.2f ms%n",
                            round, r.variant(), r.perSecond(), ratio, r.percentileMillis(0.50), r.percentileMillis(0.99));
                }
                order.add(order.remove(0)); // rotate: no variant always runs first (or last) on a shared machine
            }
            for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
                List<Double> sorted = e.getValue().stream().sorted().toList();
                System.out.printf(Locale.ROOT, "median ratio %-11s %.2f   (rounds: %s)%n", e.getKey(), sorted.get(sorted.size() / 2),
                        e.getValue().stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).toList());
            }
            System.out.printf(Locale.ROOT, "kept connections opened: sqs %d, pubsub %d%n", sqsConnection.opened(), pubsubConnection.opened());
        }
        int profiled = Integer.getInteger("bench.profileMessages", 2_000);
        if (profiled > 0) profile(raw, feeds, feedsFile, profiled);
    }

    /**
     * Where the time goes: the bare loop, the SQS handler and the Pub/Sub function once more, each over a
     * {@link JdbcCallTimer}, printing per message the calls that may reach the server (count, time inside
     * them) and the rest, which is the JVM's. The timer's proxies add a little to every call: these runs
     * are for the split, not for the ratios above.
     */
    void profile(DataSource raw, FeedRegistry feeds, Path feedsFile, int count) throws Exception {
        JdbcCallTimer timer = new JdbcCallTimer(raw, sql -> "sql " + JdbcCallTimer.firstWords(sql));
        Map<String, Variant> variants = new LinkedHashMap<>();
        try (Connection bare = timer.getConnection(); KeptConnection sqsKept = new KeptConnection(timer);
             KeptConnection pubsubKept = new KeptConnection(timer); GcpRuntime gcp = gcpRuntime(feedsFile, pubsubKept)) {
            variants.put("bare", list -> bare(bare, list));
            variants.put("sqs", list -> sqs(new SqsIngestHandler(awsEnvironment(sqsKept, feeds, feedsFile)), list));
            variants.put("pubsub", list -> pubsub(new PubSubEventFunction(gcp), list));
            for (Map.Entry<String, Variant> v : variants.entrySet()) {
                v.getValue().run(messages(Math.min(count, 500))); // warm the proxies' paths
                timer.reset();
                Run r = v.getValue().run(messages(count));
                double wall = r.nanos() / 1e3 / count;
                double jdbc = timer.totalNanos() / 1e3 / count;
                System.out.printf(Locale.ROOT, "profile %-7s %7.1f us/message: %6.1f us in %4.2f JDBC calls, %6.1f us elsewhere (JVM); "
                        + "connections opened %d%n", v.getKey(), wall, jdbc, (double) timer.totalCalls() / count, wall - jdbc,
                        timer.connections());
                for (Map.Entry<String, long[]> e : timer.snapshot().entrySet()) {
                    System.out.printf(Locale.ROOT, "    %6.2f/message %7.1f us/message  %s%n", (double) e.getValue()[0] / count,
                            e.getValue()[1] / 1e3 / count, e.getKey());
                }
            }
        }
    }

    static Run bare(Connection c, List<Message> messages) throws SQLException {
        long[] latencies = new long[messages.size()];
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bare_events (event_id, stream_id, event_type, occurred_at, payload) "
                + "VALUES (?, ?, ?, ?, ?::jsonb)")) {
            for (int i = 0; i < messages.size(); i++) {
                long t0 = System.nanoTime();
                Message m = messages.get(i);
                ps.setObject(1, m.eventId());
                ps.setString(2, "order-" + m.orderId());
                ps.setString(3, "OrderPlaced");
                ps.setTimestamp(4, Timestamp.from(m.at()));
                ps.setString(5, m.body());
                ps.executeUpdate();
                latencies[i] = System.nanoTime() - t0;
            }
        }
        return new Run("bare", messages.size(), System.nanoTime() - start, latencies);
    }

    static Run sqs(SqsIngestHandler handler, List<Message> messages) {
        List<SQSEvent> batches = new ArrayList<>();
        for (int i = 0; i < messages.size(); i += 10) batches.add(sqsEvent(messages.subList(i, Math.min(messages.size(), i + 10))));
        long[] latencies = new long[messages.size()];
        int done = 0;
        long start = System.nanoTime();
        for (SQSEvent batch : batches) {
            long t0 = System.nanoTime();
            SQSBatchResponse response = handler.handleRequest(batch, new BenchLambdaContext());
            long took = System.nanoTime() - t0;
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("records reported failed: " + response.getBatchItemFailures().size());
            }
            for (int k = 0; k < batch.getRecords().size(); k++) latencies[done++] = took;
        }
        return new Run("sqs", messages.size(), System.nanoTime() - start, latencies);
    }

    static Run pubsub(PubSubEventFunction function, List<Message> messages) throws Exception {
        List<CloudEvent> events = messages.stream().map(MessagePathBench::messagePublished).toList();
        long[] latencies = new long[messages.size()];
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            long t0 = System.nanoTime();
            function.accept(events.get(i));
            latencies[i] = System.nanoTime() - t0;
        }
        return new Run("pubsub", messages.size(), System.nanoTime() - start, latencies);
    }

    /** A batch as the SQS event source mapping delivers it (standard queue "intake"). */
    static SQSEvent sqsEvent(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle("rh-" + m.messageId());
            r.setEventSource("aws:sqs");
            r.setEventSourceArn("arn:aws:sqs:eu-west-1:111122223333:intake");
            r.setAwsRegion("eu-west-1");
            r.setAttributes(Map.of("ApproximateReceiveCount", "1", "SentTimestamp", "1763629200000"));
            r.setBody(m.body());
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    /** The messagePublished CloudEvent Eventarc delivers for one message of the intake topic. */
    static CloudEvent messagePublished(Message m) {
        String data = "{\"subscription\":\"projects/bench/subscriptions/eventarc-intake\",\"message\":{\"data\":\""
                + Base64.getEncoder().encodeToString(m.body().getBytes(StandardCharsets.UTF_8)) + "\",\"messageId\":\""
                + m.messageId() + "\",\"publishTime\":\"2026-11-20T09:00:00Z\"}}";
        return CloudEventBuilder.v1().withId(m.messageId()).withType(MessagePublishedDecoder.TYPE)
                .withSource(URI.create("//pubsub.googleapis.com/projects/bench/topics/intake"))
                .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
    }

    static FunctionEnvironment awsEnvironment(DataSource db, FeedRegistry feeds, Path feedsFile) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        S3Client s3 = S3Client.builder().endpointOverride(NOWHERE).region(Region.EU_WEST_1).credentialsProvider(credentials)
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(NOWHERE).region(Region.EU_WEST_1).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        FunctionSettings settings = new FunctionSettings(feedsFile.toString(), "jdbc:postgresql://bench/inlet", null, null, null,
                Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), SqsEventPublisher.DEFAULT_SEND_CONCURRENCY);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(feeds).workerId("bench-sqs").build();
        return new FunctionEnvironment(settings, s3, sqs, db, inlet);
    }

    static GcpRuntime gcpRuntime(Path feedsFile, DataSource db) {
        GcpSettings settings = new GcpSettings(feedsFile.toString(), "jdbc:postgresql://bench/inlet", null, null, Map.of(), Set.of(),
                "intake", null, Duration.ofSeconds(300));
        return GcpRuntime.create(settings, StorageOptions.newBuilder().setProjectId("bench").setHost(NOWHERE.toString())
                .setCredentials(NoCredentials.getInstance()).build().getService(), db);
    }

    /**
     * With bench.split on a server that preloads pg_stat_statements: resets it ({@code variant} null), or prints
     * this database's statements since the reset, per message: calls, execution and planning time, buffers.
     */
    static void serverStatements(DataSource ds, String variant, int count) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_settings WHERE name = 'shared_preload_libraries' "
                    + "AND setting LIKE '%pg_stat_statements%'")) {
                if (!rs.next()) return;
            }
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            if (variant == null) {
                st.execute("SELECT pg_stat_statements_reset()");
                return;
            }
            try (ResultSet rs = st.executeQuery("""
                    SELECT calls, total_exec_time / calls, total_plan_time / calls, plans,
                           (shared_blks_hit + shared_blks_read)::float8 / calls, shared_blks_dirtied::float8 / calls,
                           left(regexp_replace(query, '\\s+', ' ', 'g'), 90)
                    FROM pg_stat_statements s
                    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls > 0
                      AND total_exec_time + total_plan_time > 1
                    ORDER BY total_exec_time + total_plan_time DESC LIMIT 6""")) {
                while (rs.next()) {
                    System.out.printf(Locale.ROOT, "    server %-7s %6d calls exec %7.3f ms plan %6.3f ms (%d plans) buffers %8.1f dirtied %5.1f  %s%n",
                            variant, rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6),
                            rs.getString(7));
                }
            }
        }
    }

    /** Rows in a table (for a check after the run). */
    static long rows(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
