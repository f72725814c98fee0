package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.inlet.read.AsVersions;
import io.inlet.read.Checkpoint;
import io.inlet.read.EventReader;
import io.inlet.read.ReadBatch;
import io.inlet.read.ReadEvent;
import io.inlet.read.ReadRequest;
import io.inlet.read.ReadUpcastException;
import io.inlet.read.UpcastingReader;
import io.inlet.store.Transactions;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code inlet read}: events after a checkpoint, gap-safe, as JSON lines on stdout; the checkpoint to
 * pass next as the last line on stderr (each event line carries its own checkpoint too).
 */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = {"Read events after a checkpoint in commit-safe order (never skipping an event that commits late), "
                + "one JSON object per line on stdout.",
                "The last line on stderr is `next TX:POSITION`, with `more` when the limit cut the read short or `tail` "
                        + "when nothing more is readable now; pass it back with --after.",
                "With --as-version, events of the named types are upcast to that schema version (the feeds file's upcasters); "
                        + "an event stored at a newer version or that does not upcast stops the read with exit 3, naming it, "
                        + "and `next` is the checkpoint before it."})
final class ReadCommand extends CliCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1000;

    @Option(names = "--after", paramLabel = "CHECKPOINT", defaultValue = "beginning",
            description = "Read events after this checkpoint: TX:POSITION as printed by a previous read, or `beginning` (default).")
    String after;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Event tables to read (default: all).")
    List<String> tables = List.of();

    @Option(names = "--types", split = ",", paramLabel = "TYPE", description = "Event types to return (default: all).")
    List<String> types = List.of();

    @Option(names = "--as-version", paramLabel = "TYPE=N[,TYPE=N...]",
            description = "Return events of TYPE at schema version N, upcast from their stored version (repeatable).")
    List<String> asVersion = List.of();

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most N events (default: ${DEFAULT-VALUE}).")
    long limit;

    @Override
    int run(CliContext ctx) throws Exception {
        Checkpoint from;
        try {
            from = Checkpoint.parse(after);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--after: " + e.getMessage());
        }
        if (limit < 1) throw new CliException(ExitCodes.USAGE, "--limit must be at least 1, not " + limit);
        AsVersions as;
        try {
            as = AsVersions.parse(asVersion);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--as-version: " + e.getMessage());
        }
        UpcastingReader reader;
        try {
            reader = new UpcastingReader(new EventReader(new Transactions(ctx.dataSource())),
                    as.isEmpty() ? io.inlet.event.SchemaCatalog.EMPTY : ctx.feeds().schemaCatalog(), as);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--as-version " + e.getMessage());
        }
        OutboxCommand.migrateIfEmbedded(ctx);
        long printed = 0;
        Checkpoint next = from;
        boolean more = true;
        while (printed < limit && more) {
            int size = (int) Math.min(BATCH, limit - printed);
            ReadRequest request = new ReadRequest(next, List.copyOf(new LinkedHashSet<>(tables)), new LinkedHashSet<>(types), size);
            ReadBatch batch;
            try {
                batch = reader.read(request);
            } catch (ReadUpcastException e) {
                ctx.out.flush();
                ctx.err.println("next " + next + " stopped");
                throw new CliException(ExitCodes.CONFIG, e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--tables: " + e.getMessage());
            }
            for (ReadEvent e : batch.events()) ctx.out.println(line(e));
            printed += batch.events().size();
            next = batch.next();
            more = batch.more();
        }
        ctx.out.flush();
        ctx.err.println("next " + next + " " + (more ? "more" : "tail"));
        return ExitCodes.OK;
    }

    static String line(ReadEvent e) {
        ObjectNode line = JSON.createObjectNode();
        line.put("table", e.table());
        line.put("checkpoint", e.checkpoint().toString());
        line.put("position", e.position());
        line.put("eventId", e.eventId().toString());
        line.put("streamId", e.streamId());
        line.put("streamVersion", e.streamVersion());
        line.put("eventType", e.eventType());
        line.put("schemaVersion", e.schemaVersion());
        line.put("occurredAt", e.occurredAt().toString());
        line.put("recordedAt", e.recordedAt().toString());
        if (e.correlationId() != null) line.put("correlationId", e.correlationId());
        if (e.causationId() != null) line.put("causationId", e.causationId());
        line.put("source", e.source());
        line.putRawValue("payload", new RawValue(e.payload())); // as stored: no number re-formatted
        return line.toString();
    }
}
