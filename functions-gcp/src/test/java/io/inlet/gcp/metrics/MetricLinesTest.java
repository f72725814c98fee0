package io.inlet.gcp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.arrival.AlertKind;
import io.inlet.arrival.ArrivalReport;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.ArrivalCheckFunction;
import io.inlet.gcp.GcpRuntime;
import io.inlet.gcp.GcpSettings;
import io.inlet.gcp.GcsObjectFunction;
import io.inlet.gcp.SweepFunction;
import io.inlet.gcp.logging.CloudLoggingLayout;
import io.inlet.metrics.InletMetrics;
import io.inlet.outbox.RelayReport;
import io.inlet.sweep.SweepSchedule;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The core's meters leave the GCP functions as Cloud Logging lines, one per meter, written through
 * the deployed layout; and every log-based metric of infra/gcp/modules/inlet reads a meter name and
 * fields those lines carry.
 */
class MetricLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODULE = Path.of("..", "infra", "gcp", "modules", "inlet");
    private static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: gcs-metrics-drop
                key_pattern: "orders/**"
                format: { type: csv, header: true }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"], zone: UTC }
                  id: { strategy: position }
                table: order_events
            """;

    @TempDir
    Path work;

    @Test
    void theFunctionsLogOneLinePerMeterAndEveryLogBasedMetricReadsANameAndFieldsTheyPrint() throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        Storage storage = LocalStorageHelper.getOptions().getService();
        Blob file = storage.create(BlobInfo.newBuilder("gcs-metrics-drop", "orders/a.csv").build(),
                "order_id,at\n1,2026-11-20T06:00:00Z\n2,not a time\n".getBytes(StandardCharsets.UTF_8));
        storage.create(BlobInfo.newBuilder("gcs-metrics-drop", "orders/lost.csv").build(), "order_id,at\n".getBytes(StandardCharsets.UTF_8));
        Path feeds = Files.writeString(work.resolve("feeds.yaml"), FEEDS);
        GcpSettings settings = new GcpSettings(feeds.toString(), "jdbc:postgresql://unused", null, null, Map.of(), Set.of(),
                null, null, Duration.ofSeconds(60));

        List<JsonNode> lines;
        try (Capture capture = Capture.start(); GcpRuntime runtime = GcpRuntime.create(settings, storage, db)) {
            GcsObjectFunction function = new GcsObjectFunction(runtime);
            function.accept(finalized(file));
            function.accept(finalized(file));
            new SweepFunction(storage, db, FeedRegistry.load(feeds), Map.of(SweepSchedule.LOOKBACK, "P40000D"))
                    .sweep(Instant.now().plus(Duration.ofHours(1)));
            // the relay's gauges as its run sets them: blocked rows and an old backlog
            InletMetrics relayMeters = new InletMetrics(runtime.inlet().meterRegistry());
            relayMeters.relay(new RelayReport(0, 1, 1, 4, 900.0, 1, 2));
            // an arrival check's figures as a run that found a missing file counts them; the arrival check
            // function (whose own run finds nothing: no feed expects) ends its request with the flush
            relayMeters.arrivals(new ArrivalReport(Instant.now(), List.of(new ArrivalReport.Alert("orders",
                    Instant.now().minus(Duration.ofHours(1)), AlertKind.FileMissing, "no file")), List.of()));
            new ArrivalCheckFunction(runtime).check();
            lines = capture.lines();
        }

        for (JsonNode line : lines) {
            assertThat(line.path("metric").isTextual()).as(line.toString()).isTrue();
            assertThat(line.path("value").isNumber()).as(line.toString()).isTrue();
            assertThat(line.path("severity").asText()).isEqualTo("INFO");
            assertThat(line.path("logging.googleapis.com/labels").path("service").isTextual()).isTrue();
        }
        assertThat(lines).filteredOn(l -> l.path("metric").asText().equals("files"))
                .extracting(l -> l.path("feed").asText() + "/" + l.path("outcome").asText() + "=" + l.path("value").asLong())
                .containsExactly("orders/COMPLETED=1", "orders/ALREADY_COMPLETED=1");
        assertThat(lines).filteredOn(l -> l.path("metric").asText().equals("records"))
                .extracting(l -> l.path("outcome").asText() + "=" + l.path("value").asLong()).contains("read=2", "appended=1", "rejected=1");
        assertThat(lines).filteredOn(l -> l.path("metric").asText().equals("cold_start")).hasSize(1);
        assertThat(lines).filteredOn(l -> l.path("metric").asText().equals("arrival_alerts"))
                .extracting(l -> l.path("value").asLong()).containsExactly(1L);
        assertThat(lines).filteredOn(l -> l.path("metric").asText().equals("arrival_emitted"))
                .extracting(l -> l.path("kind").asText() + "=" + l.path("value").asLong()).containsExactly("FileMissing=1");
        assertThat(lines).filteredOn(l -> l.path("metric").asText().equals("sweep_missing_objects"))
                .extracting(l -> l.path("value").asLong()).containsExactly(1L);
        JsonNode blocked = lines.stream().filter(l -> l.path("metric").asText().equals("outbox_blocked")).findFirst().orElseThrow();
        assertThat(blocked.path("value").isIntegralNumber()).isTrue();
        assertThat(blocked.path("metric_kind").asText()).isEqualTo("gauge");
        assertThat(lines).filteredOn(l -> l.path("metric").asText().equals("outbox_lag_seconds"))
                .extracting(l -> l.path("value").asDouble()).containsExactly(900.0);

        // every log-based metric of the module selects a printed meter name and extracts printed fields
        Set<String> names = new TreeSet<>();
        lines.forEach(l -> names.add(l.path("metric").asText()));
        List<String> checked = new ArrayList<>();
        StringBuilder module = new StringBuilder();
        try (var tf = Files.newDirectoryStream(MODULE, "*.tf")) {
            for (Path p : tf) module.append(Files.readString(p)).append('\n');
        }
        Matcher metric = Pattern.compile("resource \"google_logging_metric\" \"\\w+\" \\{(.*?)\\n}", Pattern.DOTALL).matcher(module);
        while (metric.find()) {
            String body = metric.group(1);
            for (String meter : selectedMeters(module.toString(), body)) {
                assertThat(names).as("log-based metric %s", meter).contains(meter);
                JsonNode printed = lines.stream().filter(l -> l.path("metric").asText().equals(meter)).findFirst().orElseThrow();
                Matcher field = Pattern.compile("EXTRACT\\(jsonPayload\\.(\\w+)\\)").matcher(body);
                while (field.find()) assertThat(printed.has(field.group(1))).as("%s extracts %s", meter, field.group(1)).isTrue();
                checked.add(meter);
            }
        }
        assertThat(checked).contains("outbox_lag_seconds", "outbox_blocked", "sweep_missing_objects", "arrival_alerts", "files", "records", "cold_start");
    }

    /**
     * The meter names a log-based metric selects: the one its filter names, or, for a metric made per
     * key ({@code jsonPayload.metric=\"${each.key}\"}), the names of its {@code for_each = toset([...])} or
     * the keys of its {@code for_each = local.X} map.
     */
    private static List<String> selectedMeters(String module, String body) {
        Matcher name = Pattern.compile("jsonPayload\\.metric=\\\\\"(\\w+|\\$\\{each\\.key})\\\\\"").matcher(body);
        assertThat(name.find()).as("a log-based metric selects no meter: %s", body).isTrue();
        if (!name.group(1).equals("${each.key}")) {
            return List.of(name.group(1));
        }
        Matcher set = Pattern.compile("for_each\\s*=\\s*toset\\(\\[([^\\]]*)\\]\\)").matcher(body);
        if (set.find()) {
            return Pattern.compile("\"(\\w+)\"").matcher(set.group(1)).results().map(m -> m.group(1)).toList();
        }
        Matcher forEach = Pattern.compile("for_each\\s*=\\s*local\\.(\\w+)").matcher(body);
        assertThat(forEach.find()).as("a log-based metric per each.key without for_each = local.X: %s", body).isTrue();
        Matcher local = Pattern.compile("\\n(\\s+)" + forEach.group(1) + "\\s*=\\s*\\{").matcher(module);
        assertThat(local.find()).as("local.%s", forEach.group(1)).isTrue();
        List<String> keys = new ArrayList<>();
        int depth = 1;
        for (String line : module.substring(local.end()).split("\n")) {
            Matcher key = Pattern.compile("^\\s*(\\w+)\\s*=\\s*\\{").matcher(line);
            if (depth == 1 && key.find()) keys.add(key.group(1));
            depth += line.chars().filter(c -> c == '{').count() - line.chars().filter(c -> c == '}').count();
            if (depth == 0) break;
        }
        assertThat(keys).as("the keys of local.%s", forEach.group(1)).isNotEmpty();
        return keys;
    }

    private static io.cloudevents.CloudEvent finalized(Blob blob) throws Exception {
        ObjectNode data = JSON.createObjectNode().put("bucket", blob.getBucket()).put("name", blob.getName())
                .put("size", Long.toString(blob.getSize() == null ? storage(blob) : blob.getSize())).put("metageneration", "1");
        return CloudEventBuilder.v1().withId("metrics-" + blob.getName()).withType("google.cloud.storage.object.v1.finalized")
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + blob.getBucket()))
                .withSubject("objects/" + blob.getName()).withDataContentType("application/json")
                .withData(JSON.writeValueAsBytes(data)).build();
    }

    private static long storage(Blob blob) {
        return blob.getContent().length;
    }

    /** The metric logger's lines as the deployed layout writes them. */
    private static final class Capture implements AutoCloseable {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        private final Logger logger;

        private Capture() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            CloudLoggingLayout layout = new CloudLoggingLayout();
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setLayout(layout);
            encoder.setContext(context);
            encoder.start();
            appender.setEncoder(encoder);
            appender.setOutputStream(out);
            appender.setContext(context);
            appender.start();
            logger = context.getLogger(MetricLogExporter.LOGGER);
            logger.addAppender(appender);
        }

        static Capture start() {
            return new Capture();
        }

        List<JsonNode> lines() throws Exception {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) if (!line.isBlank()) lines.add(JSON.readTree(line));
            return lines;
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
