package io.inlet.cli;

import io.inlet.failure.Deadline;
import io.inlet.read.SubscriptionReport;
import io.inlet.read.SubscriptionRunner;
import io.inlet.read.SubscriptionStart;
import io.inlet.read.SubscriptionStatus;
import io.inlet.read.Subscriptions;
import io.inlet.store.Transactions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import javax.sql.DataSource;

/** The demo's catch-up subscription: a new destination backfilled from the whole log (docs/read-side.md). */
final class DemoSubscription {

    static final String NAME = "demo-replay";

    private DemoSubscription() {
    }

    /** Adds the subscription (once), runs it to its tail into {@code file}, and says what it did in one line. */
    static String backfill(DataSource ds, Path file) throws Exception {
        Transactions tx = new Transactions(ds);
        Subscriptions subscriptions = new Subscriptions();
        tx.inTransaction(c -> subscriptions.find(c, NAME).isPresent() ? null
                : subscriptions.add(c, new Subscriptions.AddRequest(NAME, "replay", new SubscriptionStart.Beginning(), List.of())));
        SubscriptionReport report;
        try (PrintStream sink = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true, StandardCharsets.UTF_8)) {
            report = new SubscriptionRunner(tx, SubscriptionRunner.Settings.DEFAULTS).runAll(new JsonLinesPublisher(sink), Deadline.none());
        }
        SubscriptionStatus status = tx.inTransaction(subscriptions::status).stream()
                .filter(s -> s.subscription().name().equals(NAME)).findFirst().orElseThrow();
        return "subscription " + NAME + " (from the beginning): " + report.delivered() + " stored events backfilled to " + file
                + " in " + report.slices() + " slice(s), each stream in version order; now " + status.state()
                + ", " + status.behind() + " behind";
    }
}
