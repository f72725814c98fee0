package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.inlet.aws.s3.S3ObjectLister;
import io.inlet.sweep.Sweep;
import io.inlet.sweep.SweepItem;
import io.inlet.sweep.SweepLedger;
import io.inlet.sweep.SweepReport;
import io.inlet.sweep.SweepSchedule;
import io.inlet.sweep.SweepTargets;
import io.inlet.sweep.Sweeper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled missed-notification sweep (daily by default, an EventBridge schedule; the input is
 * ignored): lists every feed bucket under its feeds' key prefixes, compares with the ledger over the
 * window of {@link SweepSchedule}, logs each missing object and counts the core's sweep meters
 * ({@code inlet.sweep.*}, exported as EMF: the {@code SweepMissingObjects} alarm). It only reports: `inlet sweep s3://... --redrive` loads them.
 */
public final class SweepHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Logger log = LoggerFactory.getLogger(SweepHandler.class);

    private final Supplier<FunctionEnvironment> environment;
    private final Map<String, String> variables;

    public SweepHandler() {
        this.environment = FunctionEnvironment::shared;
        this.variables = System.getenv();
    }

    /** Over a given environment, with {@code variables} in place of the process environment (the window). */
    public SweepHandler(FunctionEnvironment environment, Map<String, String> variables) {
        this.environment = () -> environment;
        this.variables = Map.copyOf(variables);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        try (InvocationContext ignored = InvocationContext.open(context, environment.get())) {
            return sweep(Instant.now(), System.out);
        }
    }

    /** One sweep of every feed bucket over the scheduled window ending before {@code now}; the EMF line goes to {@code stdout}. */
    public Map<String, Object> sweep(Instant now, java.io.PrintStream stdout) {
        FunctionEnvironment env = environment.get();
        env.beginInvocation();
        Sweep.Window window = SweepSchedule.window(variables, now);
        Sweeper sweeper = new Sweeper(new S3ObjectLister(env.s3()), new SweepLedger(env.dataSource()), env.inlet().feeds());
        List<SweepReport> reports = new ArrayList<>();
        for (SweepTargets.Target t : SweepTargets.of(env.inlet().feeds())) {
            try {
                SweepReport r = sweeper.sweep(t.bucket(), t.prefix(), window);
                reports.add(r);
                for (SweepItem i : r.missing()) {
                    log.atWarn().addKeyValue("finding", i.finding()).addKeyValue("object", "s3://" + i.object().ref().displayName())
                            .addKeyValue("lastModified", i.object().lastModified()).addKeyValue("ledgerFileId", i.ledgerFileId())
                            .log("sweep: object not ingested");
                }
            } catch (Exception e) {
                throw new IllegalStateException("sweeping s3://" + t.bucket() + "/" + t.prefix() + " failed: " + e.getMessage(), e);
            }
        }
        env.meters().sweep(reports);
        env.metrics().flush(stdout);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("since", window.since().toString());
        out.put("until", window.until().toString());
        out.put("listed", reports.stream().mapToLong(SweepReport::listed).sum());
        out.put("missing", reports.stream().mapToLong(r -> r.missing().size()).sum());
        log.atInfo().addKeyValue("listed", out.get("listed")).addKeyValue("missing", out.get("missing")).log("sweep done");
        return out;
    }
}
