package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.event.EventIds;
import io.inlet.failure.PermanentException;
import io.inlet.feed.MessageFeed;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code inlet ingest-message --feed F [--attribute k=v]... [--message-id ID] < body.json}: one
 * message through the functions' own message path ({@link Inlet#ingestMessage}), e.g. a
 * dead-lettered body after a fix. Idempotent by message id, as on the queue.
 */
@Command(name = "ingest-message", mixinStandardHelpOptions = true,
        description = {"Ingest one message (its body on standard input) through the functions' message path, e.g. a dead-lettered body after a fix.",
                "Idempotent by message id: give the broker's original id with --message-id (a message that failed is then retried, one "
                        + "already processed appends nothing); without it the id is cli-sha256:<SHA-256 of body and attributes>, so the same "
                        + "body and attributes twice append once.",
                "Exit 0 appended or already processed, 1 the message is refused (malformed; recorded FAILED as the functions do), 2 unknown feed."})
final class IngestMessageCommand extends CliCommand {

    @Option(names = "--feed", required = true, paramLabel = "NAME", description = "The message feed (its channel is used).")
    String feed;

    @Option(names = "--channel", paramLabel = "NAME", description = "The channel (queue/topic name), when the feed takes several ('*').")
    String channel;

    @Option(names = "--attribute", paramLabel = "K=V", description = "A message attribute (repeatable), e.g. ce-type=InvoiceIssued.")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Option(names = "--message-id", paramLabel = "ID", description = "The message id (default: cli-sha256:<hash of body and attributes>).")
    String messageId;

    @Option(names = "--json", description = "One JSON document instead of the line.")
    boolean json;

    /** The default message id: SHA-256 over the body and the attributes sorted by name, unit-separated. */
    static String defaultMessageId(String body, Map<String, String> attributes) {
        StringBuilder name = new StringBuilder(body);
        new TreeMap<>(attributes).forEach((k, v) -> name.append(EventIds.SEPARATOR).append(k).append('=').append(v));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.toString().getBytes(StandardCharsets.UTF_8));
            return "cli-sha256:" + HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    int run(CliContext ctx) throws Exception {
        MessageFeed messageFeed = ctx.feeds().messageFeed(feed).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                "no message feed '" + feed + "' in " + ctx.feedsLocation() + " (message feeds: "
                        + ctx.feeds().messageFeeds().stream().map(MessageFeed::name).toList() + ")"));
        String on = channel != null ? channel : messageFeed.channel();
        if ("*".equals(on)) throw new CliException(ExitCodes.USAGE, "message feed '" + feed + "' takes every channel: give --channel");
        if (!messageFeed.matches(on)) throw new CliException(ExitCodes.USAGE, "message feed '" + feed + "' does not take channel '" + on + "'");
        String body;
        try (InputStream in = System.in) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (body.isBlank()) throw new CliException(ExitCodes.USAGE, "no message body on standard input");
        String id = messageId != null ? messageId : defaultMessageId(body, attributes);
        InboundMessage message = new InboundMessage(id, on, body, attributes);
        AutoMigrate.ifEmbedded(ctx);
        Inlet inlet = ctx.inlet();
        if (ctx.feeds().matchMessage(on).map(MessageFeed::name).filter(feed::equals).isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "channel '" + on + "' is taken by an earlier message feed, not '" + feed + "'");
        }
        try {
            MessageOutcome outcome = inlet.ingestMessage(message);
            if (json) {
                ctx.out.println(new ObjectMapper().writeValueAsString(Map.of("messageId", id, "channel", on, "status",
                        outcome.status().name(), "appended", outcome.counts().appended(), "duplicate", outcome.counts().duplicate(),
                        "conflict", outcome.counts().conflict())));
            } else {
                ctx.out.printf("message %s on %s: %s (%d appended, %d duplicate, %d conflict)%n", TerminalText.escape(id),
                        TerminalText.escape(on), outcome.status(), outcome.counts().appended(), outcome.counts().duplicate(),
                        outcome.counts().conflict());
            }
            return ExitCodes.OK;
        } catch (PermanentException e) {
            inlet.recordFailedMessage(message, e.getMessage());
            throw e;
        }
    }

}
