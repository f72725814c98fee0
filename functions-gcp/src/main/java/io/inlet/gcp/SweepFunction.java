package io.inlet.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.cloud.storage.Storage;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.metrics.MetricLogExporter;
import io.inlet.metrics.InletMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.inlet.gcp.storage.GcsBucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.gcp.storage.GcsObjectLister;
import io.inlet.gcp.storage.StorageFactory;
import io.inlet.sweep.Sweep;
import io.inlet.sweep.SweepItem;
import io.inlet.sweep.SweepLedger;
import io.inlet.sweep.SweepReport;
import io.inlet.sweep.SweepSchedule;
import io.inlet.sweep.SweepTargets;
import io.inlet.sweep.Sweeper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point {@code io.inlet.gcp.SweepFunction}: the scheduled missed-notification sweep, called by
 * Cloud Scheduler (HTTP, daily by default). Lists every feed bucket under its feeds' key prefixes and
 * compares with the ledger over the window of {@link SweepSchedule}; logs each missing object and one
 * line with {@code sweep_missing_objects}, which the log-based metric of that name in
 * infra/gcp/modules/inlet/monitoring.tf extracts (an alert fires at 1). Answers 200 with the totals, 500 when a
 * listing or the database fails. It only reports: `inlet sweep gs://... --redrive` loads them.
 */
public final class SweepFunction implements HttpFunction {

    private static final Logger LOG = LoggerFactory.getLogger(SweepFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Storage storage;
    private final DataSource dataSource;
    private final FeedRegistry feeds;
    /** The core's meter model for the sweep's figures, exported as metric log lines ({@code sweep_missing_objects}). */
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MetricLogExporter metricLines = new MetricLogExporter(meters);
    private final Map<String, String> env;

    /** As the Functions Framework creates it: settings, database and feeds from the environment. */
    public SweepFunction() {
        this(StorageFactory.createDefault(), System.getenv());
    }

    /** From {@code env}: settings, database, and the feeds file wherever INLET_FEEDS says (classpath:, gs://, a path). */
    SweepFunction(Storage storage, Map<String, String> env) {
        this(storage, dataSource(GcpSettings.fromEnvironment(env)), GcpSettings.fromEnvironment(env), env);
    }

    private SweepFunction(Storage storage, DataSource dataSource, GcpSettings settings, Map<String, String> env) {
        this(storage, dataSource, new FeedsLocation(settings.feeds()).load(new GcsBucketReader(storage)), env);
    }

    public SweepFunction(Storage storage, DataSource dataSource, FeedRegistry feeds, Map<String, String> env) {
        this.storage = storage;
        this.dataSource = dataSource;
        this.feeds = feeds;
        this.env = env;
    }

    private static DataSource dataSource(GcpSettings s) {
        return Database.dataSource(new DatabaseSettings(s.databaseUrl(), s.databaseUser(), s.databasePassword()));
    }

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        try {
            List<SweepReport> reports = sweep(Instant.now());
            ObjectNode body = JSON.createObjectNode()
                    .put("listed", reports.stream().mapToLong(SweepReport::listed).sum())
                    .put("missing", reports.stream().mapToLong(r -> r.missing().size()).sum());
            PubSubPushFunction.write(response, 200, body);
        } catch (RuntimeException e) {
            LOG.atError().setCause(e).log("sweep failed: {}", e.getMessage());
            PubSubPushFunction.write(response, 500, JSON.createObjectNode().put("result", "failed")
                    .put("detail", String.valueOf(e.getMessage())));
        }
    }

    /** One sweep of every feed bucket over the scheduled window ending before {@code now}; logs what it found. */
    public List<SweepReport> sweep(Instant now) {
        Sweep.Window window = SweepSchedule.window(env, now);
        Sweeper sweeper = new Sweeper(new GcsObjectLister(storage), new SweepLedger(dataSource), feeds);
        List<SweepReport> reports = new ArrayList<>();
        for (SweepTargets.Target t : SweepTargets.of(feeds)) {
            SweepReport r;
            try {
                r = sweeper.sweep(t.bucket(), t.prefix(), window);
            } catch (Exception e) {
                throw new IllegalStateException("sweeping gs://" + t.bucket() + "/" + t.prefix() + " failed: " + e.getMessage(), e);
            }
            reports.add(r);
            for (SweepItem i : r.missing()) {
                LOG.atWarn().addKeyValue("finding", i.finding().name()).addKeyValue("object", "gs://" + i.object().ref().displayName())
                        .addKeyValue("last_modified", i.object().lastModified().toString())
                        .log("sweep: object not ingested");
            }
        }
        new InletMetrics(meters).sweep(reports);
        metricLines.flush();
        long missing = reports.stream().mapToLong(r -> r.missing().size()).sum();
        LOG.atInfo().addKeyValue("sweep_missing_objects", missing)
                .addKeyValue("sweep_listed_objects", reports.stream().mapToLong(SweepReport::listed).sum())
                .log("sweep from {} to {}: {} object(s) missing", window.since(), window.until(), missing);
        return reports;
    }
}
