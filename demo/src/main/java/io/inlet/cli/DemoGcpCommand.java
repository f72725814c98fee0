package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.db.Migrations;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.GcpRuntime;
import io.inlet.gcp.GcpSettings;
import io.inlet.gcp.GcsObjectFunction;
import io.inlet.gcp.OutboxRelayFunction;
import io.inlet.gcp.PubSubEventFunction;
import io.inlet.gcp.pubsub.PubSubBroker;
import io.inlet.outbox.RelayReport;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code inlet demo gcp}: the GCP path on this machine, with the deployed function classes called
 * directly (no invoker): vendor files in google-cloud-nio's in-memory Storage, a finalized CloudEvent
 * per file to {@link GcsObjectFunction}, the outbox relayed by {@link OutboxRelayFunction} through
 * the real Pub/Sub {@code Publisher} to the Pub/Sub emulator (or, when it is not installed, the
 * in-process {@code google.pubsub.v1.Publisher} service), the published messages pulled and
 * delivered to {@link PubSubEventFunction} as messagePublished CloudEvents, and redeliveries shown
 * to append nothing.
 */
@Command(name = "gcp", mixinStandardHelpOptions = true,
        description = {"The Google Cloud path locally: GCS finalized events -> GcsObjectFunction -> PostgreSQL ->",
                "OutboxRelayFunction -> Pub/Sub (emulator) -> PubSubEventFunction, with redeliveries."})
final class DemoGcpCommand extends CliCommand {

    static final String BUCKET = "vendor-drop";
    static final String PROJECT = PubSubBroker.PROJECT;
    /** Derived-event destinations of the bundled feeds, each a topic here. */
    static final Map<String, String> TOPICS = Map.of("orders", "inlet-orders", "ops", "inlet-ops");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Google's HTTP client (under google-cloud-nio) and gRPC log through java.util.logging to stderr: only real problems. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("com.google.api.client"), java.util.logging.Logger.getLogger("io.grpc"));

    @Option(names = "--workdir", paramLabel = "DIR", description = "Where the samples are unpacked (default: a new temporary directory).")
    Path workdir;

    @Override
    int run(CliContext ctx) throws Exception {
        PrintStream out = ctx.out;
        if (!global.verbose) QUIET.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
        Path dir = workdir != null ? Files.createDirectories(workdir) : Files.createTempDirectory("inlet-demo-gcp");
        BundledSamples.extractTo(dir);
        // The relayed events come back through PubSubEventFunction: one message feed per topic, keyed on the channel
        // (the topic's short name), appending the CloudEvents to their own table. Both topics carry Inlet's own
        // CloudEvents, whose subjects can be any stream id, into one table: they share streams by declaration.
        Path feedsFile = Files.writeString(dir.resolve("feeds-gcp.yaml"), Files.readString(dir.resolve("feeds.yaml")) + """

                  - name: downstream-orders
                    channel: inlet-orders
                    format: cloudevent
                    table: downstream_events
                    shared_streams: true
                  - name: downstream-ops
                    channel: inlet-ops
                    format: cloudevent
                    table: downstream_events
                    shared_streams: true
                """);
        FeedRegistry feeds = FeedRegistry.load(feedsFile);
        ctx.useFeeds(feeds);
        out.println("1. feeds: " + feeds.feeds().size() + " file feeds, " + feeds.messageFeeds().size()
                + " message feeds from " + feedsFile);

        DataSource db = ctx.dataSource();
        int applied = Migrations.apply(db, feeds.eventTables());
        out.println("2. database: " + (ctx.isEmbedded() ? "embedded PostgreSQL in " + ctx.dataDir() : "the given PostgreSQL")
                + "; " + applied + " migration(s) applied; event tables " + feeds.eventTables());

        try (PubSubBroker broker = PubSubBroker.startBest()) {
            for (String topic : TOPICS.values()) {
                broker.createTopic(topic);
                broker.createSubscription(topic, topic + "-sub", true);
            }
            out.println("3. Pub/Sub: " + broker.describe() + "; topics " + TOPICS.values().stream().sorted().toList()
                    + " with subscriptions (message ordering on)");

            Storage storage = LocalStorageHelper.getOptions().getService();
            List<Blob> blobs = upload(storage, dir.resolve("files"), feeds);
            out.println("4. GCS: google-cloud-nio's in-memory Storage; uploaded " + blobs.size() + " vendor files to gs://" + BUCKET);

            Map<String, TopicName> destinations = new LinkedHashMap<>();
            TOPICS.forEach((name, topic) -> destinations.put(name, TopicName.of(PROJECT, topic)));
            GcpSettings settings = new GcpSettings(feedsFile.toString(), "jdbc:postgresql:(the CLI's database)", null, null,
                    destinations, Set.of("orders"), null, broker.hostAndPort(), Duration.ofSeconds(540));
            try (GcpRuntime runtime = GcpRuntime.create(settings, storage, db)) {
                GcsObjectFunction gcsFunction = new GcsObjectFunction(runtime);
                List<CloudEvent> finalized = new ArrayList<>();
                for (Blob blob : blobs) finalized.add(finalizedEvent(blob));
                int failed = 0;
                for (CloudEvent event : finalized) {
                    try {
                        gcsFunction.accept(event);
                    } catch (RuntimeException e) {
                        failed++;
                        out.println("   " + event.getSubject() + ": the function threw (Eventarc would redeliver): " + e.getMessage());
                    }
                }
                out.println("5. GcsObjectFunction: " + finalized.size() + " google.cloud.storage.object.v1.finalized CloudEvents, "
                        + (finalized.size() - failed) + " acknowledged; the ledger:");
                printLedger(out, db);
                long eventsBefore = eventCount(db, feeds);

                RelayReport relayed = new OutboxRelayFunction(runtime).relay();
                out.println("6. OutboxRelayFunction: " + relayed.published() + " published, " + relayed.failed() + " failed, "
                        + relayed.pending() + " pending; outbox lag " + relayed.oldestPendingAgeSeconds() + " s");

                Map<String, List<PubsubMessage>> pulled = new LinkedHashMap<>();
                for (String topic : TOPICS.values().stream().sorted().toList()) {
                    pulled.put(topic, broker.pull(topic + "-sub", 1));
                }
                out.println("7. pulled from the subscriptions: " + describeCounts(pulled));
                for (var e : pulled.entrySet()) {
                    for (PubsubMessage m : e.getValue().subList(0, Math.min(3, e.getValue().size()))) {
                        out.println("   " + e.getKey() + " id=" + m.getMessageId() + " orderingKey="
                                + (m.getOrderingKey().isEmpty() ? "(none)" : m.getOrderingKey()) + " attributes=" + new java.util.TreeMap<>(m.getAttributesMap()));
                    }
                }

                PubSubEventFunction pubsubFunction = new PubSubEventFunction(runtime);
                int delivered = 0;
                for (var e : pulled.entrySet()) {
                    for (PubsubMessage m : e.getValue()) {
                        pubsubFunction.accept(messagePublished(e.getKey(), m));
                        delivered++;
                    }
                }
                long downstream = count(db, "SELECT count(*) FROM downstream_events");
                out.println("8. PubSubEventFunction: " + delivered + " messagePublished CloudEvents -> " + downstream
                        + " events in downstream_events");
                for (var e : pulled.entrySet()) {
                    for (PubsubMessage m : e.getValue()) pubsubFunction.accept(messagePublished(e.getKey(), m));
                }
                out.println("9. the same " + delivered + " messages delivered again: downstream_events still has "
                        + count(db, "SELECT count(*) FROM downstream_events") + " (nothing appended twice)");

                CloudEvent again = finalized.get(0);
                gcsFunction.accept(again);
                out.println("10. " + again.getSubject() + " finalized again (a redelivery): " + eventCount(db, feeds)
                        + " vendor events before and after (" + eventsBefore + "), ledger rows "
                        + count(db, "SELECT count(*) FROM ingested_files") + " (nothing appended twice)");
            }
        }
        return ExitCodes.OK;
    }

    private static List<Blob> upload(Storage storage, Path root, FeedRegistry feeds) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> feeds.matchObject(BUCKET, key(root, p)).isPresent())
                    .sorted().toList();
        }
        List<Blob> blobs = new ArrayList<>();
        for (Path f : files) {
            BlobId id = BlobId.of(BUCKET, key(root, f));
            storage.create(BlobInfo.newBuilder(id).build(), Files.readAllBytes(f));
            blobs.add(storage.get(id)); // as stored: size, hashes
        }
        return blobs;
    }

    private static String key(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** The CloudEvent Eventarc delivers when an object is finalized: the data is the object resource (JSON API). */
    static CloudEvent finalizedEvent(Blob blob) throws Exception {
        ObjectNode data = JSON.createObjectNode()
                .put("kind", "storage#object")
                .put("bucket", blob.getBucket())
                .put("name", blob.getName())
                .put("size", Long.toString(blob.getSize() == null ? 0 : blob.getSize()))
                .put("metageneration", "1")
                .put("contentType", "application/octet-stream");
        // google-cloud-nio's Storage keeps no generations; a real finalize always carries one.
        if (blob.getGeneration() != null) data.put("generation", Long.toString(blob.getGeneration()));
        if (blob.getMd5() != null) data.put("md5Hash", blob.getMd5());
        if (blob.getCrc32c() != null) data.put("crc32c", blob.getCrc32c());
        return CloudEventBuilder.v1()
                .withId("demo-" + Integer.toHexString((blob.getBucket() + "/" + blob.getName()).hashCode()))
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + blob.getBucket()))
                .withType("google.cloud.storage.object.v1.finalized")
                .withSubject("objects/" + blob.getName())
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(JSON.writeValueAsBytes(data))
                .build();
    }

    /** The messagePublished CloudEvent Eventarc delivers for a message of {@code topic}. */
    static CloudEvent messagePublished(String topic, PubsubMessage m) throws Exception {
        ObjectNode message = JSON.createObjectNode()
                .put("data", Base64.getEncoder().encodeToString(m.getData().toByteArray()))
                .put("messageId", m.getMessageId())
                .put("publishTime", java.time.Instant.ofEpochSecond(m.getPublishTime().getSeconds(), m.getPublishTime().getNanos()).toString());
        if (!m.getOrderingKey().isEmpty()) message.put("orderingKey", m.getOrderingKey());
        m.getAttributesMap().forEach(message.putObject("attributes")::put);
        ObjectNode data = JSON.createObjectNode().put("subscription", "projects/" + PROJECT + "/subscriptions/eventarc-" + topic);
        data.set("message", message);
        return CloudEventBuilder.v1()
                .withId(m.getMessageId())
                .withSource(URI.create("//pubsub.googleapis.com/projects/" + PROJECT + "/topics/" + topic))
                .withType("google.cloud.pubsub.topic.v1.messagePublished")
                .withDataContentType("application/json")
                .withData(JSON.writeValueAsBytes(data))
                .build();
    }

    private static String describeCounts(Map<String, List<PubsubMessage>> pulled) {
        List<String> parts = new ArrayList<>();
        pulled.forEach((topic, messages) -> parts.add(messages.size() + " from " + topic + " ("
                + messages.stream().map(PubsubMessage::getOrderingKey).filter(k -> !k.isEmpty()).distinct().count()
                + " ordering keys)"));
        return String.join(", ", parts);
    }

    private static void printLedger(PrintStream out, DataSource db) throws Exception {
        String fmt = "   %-42s %-18s %5s %8s %9s %8s%n";
        out.printf(fmt, "OBJECT", "STATUS", "READ", "APPENDED", "DUPLICATE", "REJECTED");
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT object_key, status, records_read, appended, duplicate, rejected "
                     + "FROM ingested_files ORDER BY object_key, file_id")) {
            while (r.next()) {
                out.printf(fmt, r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
            }
        }
    }

    private static long eventCount(DataSource db, FeedRegistry feeds) throws Exception {
        long n = 0;
        for (String table : new java.util.TreeSet<>(feeds.eventTables())) {
            if (!table.equals("downstream_events")) n += count(db, "SELECT count(*) FROM " + table);
        }
        return n;
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
