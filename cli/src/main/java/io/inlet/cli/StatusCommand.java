package io.inlet.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Recent files with their state, counts and first error; the outbox backlog; message totals.")
final class StatusCommand extends CliCommand {

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "Files to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON document: each feed's freshness (last file, next expected, state) and the recent files.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        if (limit < 0) throw new CliException(ExitCodes.USAGE, "--limit must be 0 or more (was " + limit + ")");
        AutoMigrate.ifEmbedded(ctx);
        try (Connection c = ctx.dataSource().getConnection()) {
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT file_id, feed, bucket || '/' || object_key, status, records_read, appended, duplicate, conflict,
                           rejected, coalesce(first_error, (SELECT 'waiting for control sidecar ' || f.bucket || '/' || t.sidecar_key
                                  || ' since ' || to_char(t.waiting_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                              FROM inlet.control_totals t WHERE t.file_id = f.file_id AND t.status = 'WAITING'), ''),
                           failed_attempts, last_failure, lease_owner,
                           to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), lease_expires_at > now()
                    FROM inlet.ingested_files f ORDER BY updated_at DESC, file_id DESC LIMIT ?""")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {String.valueOf(rs.getLong(1)), TerminalText.escape(rs.getString(2)),
                                TerminalText.escape(rs.getString(3)), rs.getString(4), String.valueOf(rs.getLong(5)),
                                String.valueOf(rs.getLong(6)), String.valueOf(rs.getLong(7)), String.valueOf(rs.getLong(8)),
                                String.valueOf(rs.getLong(9)),
                                TerminalText.escape(lease(rs.getString(4), rs.getString(13), rs.getString(14), rs.getBoolean(15),
                                        errors(rs.getString(4), rs.getString(10), rs.getInt(11), rs.getString(12))))});
                    }
                }
            }
            java.util.List<io.inlet.arrival.Freshness> freshness = ctx.feedsIfPresent()
                    .map(f -> FreshnessReport.of(f, ctx.dataSource())).orElse(java.util.List.of());
            if (json) {
                var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
                var doc = mapper.createObjectNode();
                doc.set("feeds", FreshnessReport.json(mapper, freshness));
                var files = doc.putArray("files");
                for (String[] r : rows) {
                    var n = files.addObject();
                    for (int i = 0; i < HEADER.length; i++) n.put(HEADER[i].toLowerCase(java.util.Locale.ROOT).replace(' ', '_'), r[i]);
                }
                ctx.out.println(doc);
                return ExitCodes.OK;
            }
            ctx.out.print(table(rows));
            if (!freshness.isEmpty()) ctx.out.print(System.lineSeparator() + FreshnessReport.text(freshness));
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*) FILTER (WHERE published_at IS NULL),
                           count(*) FILTER (WHERE published_at IS NOT NULL),
                           coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE published_at IS NULL)), 0)::bigint
                    FROM inlet.outbox""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                ctx.out.printf("%noutbox: %d pending (oldest %d s), %d published%n", rs.getLong(1), rs.getLong(3), rs.getLong(2));
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, count(*) FROM inlet.processed_messages GROUP BY status ORDER BY status");
                 ResultSet rs = ps.executeQuery()) {
                StringBuilder sb = new StringBuilder("messages:");
                while (rs.next()) sb.append(' ').append(rs.getLong(2)).append(' ').append(rs.getString(1).toLowerCase());
                ctx.out.println(sb.length() == 9 ? "messages: none" : sb.toString());
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT p.feed, p.paused_by, p.paused_at, p.reason,
                           (SELECT count(*) FROM inlet.ingested_files f WHERE f.feed = p.feed AND f.status = 'HELD')
                    FROM inlet.feed_pauses p WHERE p.resumed_at IS NULL ORDER BY p.feed""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ctx.out.printf("paused feed %s: by %s since %s, %d file(s) held: %s%n", TerminalText.escape(rs.getString(1)),
                            TerminalText.escape(rs.getString(2)), rs.getTimestamp(3).toInstant(), rs.getLong(5),
                            TerminalText.escape(rs.getString(4)));
                }
            }
        }
        return ExitCodes.OK;
    }

    private static final String[] HEADER = {"ID", "FEED", "OBJECT", "STATUS", "READ", "APPENDED", "DUPLICATE", "CONFLICT",
            "REJECTED", "FIRST ERROR"};

    /** The files as a table whose columns are as wide as their widest value (long feed names and keys stay aligned). */
    static String table(List<String[]> rows) {
        int[] w = new int[HEADER.length];
        for (int i = 0; i < w.length; i++) w[i] = HEADER[i].length();
        for (String[] r : rows) {
            for (int i = 0; i < w.length - 1; i++) w[i] = Math.max(w[i], r[i].codePointCount(0, r[i].length()));
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : java.util.stream.Stream.concat(java.util.stream.Stream.<String[]>of(HEADER), rows.stream()).toList()) {
            for (int i = 0; i < r.length - 1; i++) {
                boolean left = i >= 1 && i <= 3;
                String pad = " ".repeat(w[i] - r[i].codePointCount(0, r[i].length()));
                b.append(left ? r[i] + pad : pad + r[i]).append(i == 0 || i == r.length - 2 ? "  " : " ");
            }
            b.append(r[r.length - 1]).append(System.lineSeparator());
        }
        return b.toString();
    }

    /**
     * For a file in progress, who holds its lease and until when (live or expired: an expired one is
     * taken over by the next run; `inlet unlock` releases a dead holder's), before the errors.
     */
    static String lease(String status, String owner, String until, boolean live, String errors) {
        if (!status.equals("IN_PROGRESS") || owner == null) return errors;
        String lease = owner.startsWith("released:") ? "lease released (" + owner.substring("released:".length()) + ")"
                : "leased by " + owner + " until " + until + (live ? "" : " (expired)");
        return errors == null || errors.isEmpty() ? lease : lease + "; " + errors;
    }

    /**
     * The last column: the first error; for a file in progress whose attempts have been failing, also
     * how many failed in a row without progress and the last one's reason.
     */
    static String errors(String status, String firstError, int failedAttempts, String lastFailure) {
        if (!status.equals("IN_PROGRESS") || failedAttempts == 0) return firstError;
        String failures = "failed_attempts=" + failedAttempts + " last_failure: " + (lastFailure == null ? "" : lastFailure);
        return firstError.isEmpty() ? failures : firstError + "; " + failures;
    }
}
