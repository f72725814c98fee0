package io.inlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Verdict;
import io.inlet.trigger.VerdictObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * One table for both clouds: every payload under {@code events-samples/aws}, {@code events-samples/gcp}
 * and {@code ../shared/samples/{aws,gcp}} is decoded by its cloud's decoders (through the Lambda
 * runtime's event classes or the CloudEvents SDK, as the entry points receive it) into Deliveries,
 * and each is handled by the one {@link DeliveryHandler} over the real PostgreSQL to a {@link Verdict}.
 * A payload file without an expectation fails the suite; a folder that is absent is skipped, saying so.
 *
 * <p>Each expected line reads {@code <delivery> -> <verdict> [<file outcome | message status>]}; a
 * GAVE_UP line also checks that the failure was recorded in {@code processed_messages} with its reason,
 * whichever cloud and path it came on.
 */
class DeliveryConformanceTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Map<String, Path> FOLDERS = new LinkedHashMap<>();

    static {
        FOLDERS.put("own/aws", REPO.resolve("events-samples/aws"));
        FOLDERS.put("own/gcp", REPO.resolve("events-samples/gcp"));
        FOLDERS.put("shared/aws", beside("aws"));
        FOLDERS.put("shared/gcp", beside("gcp"));
    }

    /** {@code shared/samples/<cloud>} in the nearest folder above the checkout that has it (CI puts it beside). */
    private static Path beside(String cloud) {
        for (Path dir = REPO; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("samples").resolve(cloud);
            if (Files.isDirectory(candidate)) return candidate;
        }
        return REPO.resolve("../shared/samples").resolve(cloud).normalize();
    }

    static final Map<String, List<String>> EXPECTED = ConformanceTable.EXPECTED;

    @TempDir
    static Path buckets;
    private static DataSource db;
    private static DeliveryHandler deliveries;

    @BeforeAll
    static void start() throws IOException {
        db = TestDatabase.fresh("conformance_events", "conformance_messages");
        FeedRegistry feeds;
        try (InputStream in = DeliveryConformanceTest.class.getResourceAsStream("/conformance-feeds.yaml")) {
            feeds = FeedRegistry.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "conformance-feeds.yaml");
        }
        BucketDirectories objects = new BucketDirectories(buckets);
        ConformanceTable.seed(objects);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(feeds).workerId("conformance").build();
        deliveries = inlet.deliveryHandler(objects, VerdictObserver.NONE);
    }

    @Test
    void everyPayloadFileHasAnExpectation() {
        List<String> files = new ArrayList<>();
        for (String folder : FOLDERS.keySet()) payloads(folder).ifPresent(fs -> fs.forEach(f -> files.add(folder + "/" + f.getFileName())));
        List<String> expectedPresent = EXPECTED.keySet().stream()
                .filter(name -> Files.isDirectory(FOLDERS.get(name.substring(0, name.lastIndexOf('/'))))).toList();
        assertThat(files).as("payload files and expectations").containsExactlyInAnyOrderElementsOf(expectedPresent);
    }

    @TestFactory
    Stream<DynamicTest> everyPayloadOfBothCloudsDecodesAndIsHandledToItsExpectedVerdict() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String folder : FOLDERS.keySet()) {
            Optional<List<Path>> files = payloads(folder);
            if (files.isEmpty()) {
                System.out.println("conformance: " + FOLDERS.get(folder) + " is absent: its payloads are skipped");
                continue;
            }
            String cloud = folder.substring(folder.indexOf('/') + 1);
            for (Path file : files.get()) {
                String name = folder + "/" + file.getFileName();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    List<String> actual = new ArrayList<>();
                    for (Delivery delivery : SampleDecoders.decode(cloud, file)) {
                        Verdict verdict = deliveries.handle(delivery, Deadline.none());
                        actual.add(line(delivery, verdict));
                        if (verdict.outcome() == Verdict.Outcome.GAVE_UP) {
                            assertThat(failureRecorded(delivery)).as("%s: the permanent failure is recorded with its reason", name)
                                    .isEqualTo(verdict.detail().length() > 4000 ? verdict.detail().substring(0, 4000) : verdict.detail());
                        }
                    }
                    assertThat(EXPECTED).as("an expectation for %s (actual: %s)", name, actual).containsKey(name);
                    assertThat(actual).as(name).containsExactlyElementsOf(EXPECTED.get(name));
                }));
            }
        }
        return tests.stream();
    }

    /** {@code <delivery> -> <verdict> [<report>]}. */
    static String line(Delivery delivery, Verdict verdict) {
        String what;
        if (delivery instanceof Delivery.ObjectNotice n) what = "notice " + n.change();
        else if (delivery instanceof Delivery.BusinessMessage) what = "message";
        else if (delivery instanceof Delivery.NothingToDo) what = "nothing";
        else what = "undecodable";
        String report = verdict.fileReport().map(r -> " " + r.outcome())
                .or(() -> verdict.messageOutcome().map(m -> " " + m.status())).orElse("");
        return what + " -> " + verdict.outcome() + report;
    }

    private static Optional<List<Path>> payloads(String folder) {
        Path dir = FOLDERS.get(folder);
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> files = Files.list(dir)) {
            return Optional.of(files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("README.md"))
                    .sorted().toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String failureRecorded(Delivery delivery) throws Exception {
        var original = delivery instanceof Delivery.ObjectNotice n ? n.original()
                : delivery instanceof Delivery.BusinessMessage m ? m.message() : ((Delivery.Undecodable) delivery).original();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT reason FROM inlet.processed_messages WHERE channel = ? AND message_id = ? AND status = 'FAILED'")) {
            ps.setString(1, original.channel());
            ps.setString(2, original.messageId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "(not recorded)";
            }
        }
    }
}
