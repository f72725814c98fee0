package io.inlet.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.ledger.Retention;
import io.inlet.store.Transactions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "purge", mixinStandardHelpOptions = true,
        description = {"Delete old bookkeeping rows in bounded batches, never events.",
                "What goes: processed message ids (by last seen), published outbox rows (by publication) and resolved",
                "rejects (by resolution). Never events, never unpublished outbox rows, never unresolved rejects, never",
                "the file ledger or an audit table."})
final class PurgeCommand extends CliCommand {

    private static final Pattern AGE = Pattern.compile("(\\d{1,6})([dh])");

    @Option(names = "--older-than", paramLabel = "AGE", defaultValue = "90d",
            description = "Age of the rows that go: Nd (days) or Nh (hours), at least 1d (default: ${DEFAULT-VALUE}).")
    String olderThan;

    @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "1000",
            description = "Rows deleted per transaction (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--dry-run", description = "Count what would go; delete nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "One JSON document instead of the table.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        Retention.Request request;
        try {
            request = new Retention.Request(age(olderThan), batchSize, dryRun);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        OutboxCommand.migrateIfEmbedded(ctx);
        Retention.Report report = new Retention(new Transactions(ctx.dataSource())).purge(request);
        if (json) {
            ObjectNode doc = OutboxCommand.jsonObject();
            doc.put("dry_run", report.dryRun()).put("older_than_days", report.olderThan().toHours() / 24.0).put("total", report.total());
            ArrayNode rows = doc.putArray("purged");
            report.purged().forEach(p -> rows.addObject().put("table", p.table()).put("rows", p.rows()).put("count", p.count())
                    .put("batches", p.batches()));
            ArrayNode skipped = doc.putArray("skipped");
            report.skipped().forEach(skipped::add);
            OutboxCommand.printJson(ctx, doc);
        } else {
            String fmt = "%-20s %-34s %10s %8s%n";
            ctx.out.printf(fmt, "TABLE", "ROWS", report.dryRun() ? "WOULD GO" : "DELETED", "BATCHES");
            report.purged().forEach(p -> ctx.out.printf(fmt, p.table(), p.rows(), p.count(), p.batches()));
            report.skipped().forEach(s -> ctx.out.println("skipped: " + s));
            ctx.out.println((report.dryRun() ? "dry run: nothing deleted; " : "") + report.total() + " row(s) older than "
                    + olderThan + (report.dryRun() ? " would go" : " deleted"));
        }
        return ExitCodes.OK;
    }

    static Duration age(String text) {
        Matcher m = AGE.matcher(text.trim());
        if (!m.matches()) throw new IllegalArgumentException("--older-than must be like 90d or 36h: " + text);
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("d") ? Duration.ofDays(n) : Duration.ofHours(n);
    }
}
