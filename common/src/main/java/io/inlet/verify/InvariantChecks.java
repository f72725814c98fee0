package io.inlet.verify;

import io.inlet.event.DerivedRoute;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The invariant checks of {@code inlet verify}: each one SQL file under {@code verify/} that says
 * what must never be returned. A check over event tables runs once per table; a check over routes
 * once per feed route.
 */
public final class InvariantChecks {

    /** The check files, in order. */
    public static final List<String> CHECKS = List.of(
            "01-completed-file-counts-balance",
            "02-rejections-recorded",
            "03-stream-versions-gapless",
            "04-no-expired-lease",
            "05-outbox-references-committed-events",
            "06-outbox-within-lag-budget",
            "07-appended-events-have-outbox-rows",
            "08-no-lane-positions-of-finished-files",
            "09-outbox-streams-in-order");

    private static final Pattern PARAM = Pattern.compile("(?<!:):([a-z_]+)");

    /** Budgets the time-based checks use. */
    public record Budgets(Duration stuckAfter, Duration outboxLag, Duration outboxRetention) {
        public static final Budgets DEFAULTS = new Budgets(Duration.ofMinutes(30), Duration.ofMinutes(15), Duration.ofDays(7));
    }

    /** One check's result: the rows it returned (empty = the invariant holds), described as text. */
    public record Result(String check, String scope, String description, List<String> violations) {
        public boolean holds() {
            return violations.isEmpty();
        }
    }

    private final DataSource ds;
    private final FeedRegistry feeds;
    private final Budgets budgets;

    /** {@code feeds} may be null: the per-feed check (07) is then skipped, every other check runs. */
    public InvariantChecks(DataSource ds, FeedRegistry feeds, Budgets budgets) {
        this.ds = ds;
        this.feeds = feeds;
        this.budgets = budgets;
    }

    public List<Result> run() {
        List<Result> results = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            List<String> tables = eventTables(c);
            for (String check : CHECKS) {
                String sql = load(check);
                String description = sql.lines().filter(l -> l.startsWith("-- Invariant")).findFirst()
                        .map(l -> l.substring(3)).orElse(check);
                if (check.startsWith("07")) {
                    // without feeds (verify run with no feeds file) the per-feed routes are unknown: skipped
                    for (Feed feed : feeds == null ? List.<Feed>of() : feeds.feeds()) {
                        for (DerivedRoute r : feed.derived()) {
                            if (r.kind() == DerivedRoute.Kind.SUMMARY) continue;
                            List<String> types = r.eventTypes().isEmpty() ? java.util.Collections.singletonList(null) : r.eventTypes();
                            for (String type : types) {
                                Map<String, Object> params = Map.of("feed", feed.name(), "destination", r.destination(),
                                        "retention", (double) budgets.outboxRetention().toSeconds());
                                Map<String, Object> all = new LinkedHashMap<>(params);
                                all.put("only_type", type);
                                results.add(new Result(check, feed.name() + " -> " + r.destination(), description,
                                        query(c, sql.replace("{table}", feed.table()), all)));
                            }
                        }
                    }
                } else if (sql.contains("{table}")) {
                    for (String t : tables) results.add(new Result(check, t, description, query(c, sql.replace("{table}", t), Map.of())));
                } else {
                    results.add(new Result(check, "all", description, query(c, sql, Map.of(
                            "stuck_after", (double) budgets.stuckAfter().toSeconds(),
                            "lag_budget", (double) budgets.outboxLag().toSeconds()))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("verify failed to run: " + e.getMessage(), e);
        }
        return results;
    }

    private static List<String> eventTables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM inlet.event_tables ORDER BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static List<String> query(Connection c, String sql, Map<String, Object> params) throws SQLException {
        List<Object> values = new ArrayList<>();
        String body = String.join("\n", sql.lines().filter(l -> !l.startsWith("--")).toList());
        Matcher m = PARAM.matcher(body);
        StringBuilder bound = new StringBuilder();
        while (m.find()) {
            if (!params.containsKey(m.group(1))) throw new IllegalStateException("unbound parameter :" + m.group(1));
            values.add(params.get(m.group(1)));
            m.appendReplacement(bound, "?");
        }
        m.appendTail(bound);
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(bound.toString())) {
            for (int i = 0; i < values.size(); i++) ps.setObject(i + 1, values.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        if (i > 1) row.append(", ");
                        row.append(md.getColumnLabel(i)).append('=').append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
        }
        return rows;
    }

    static String load(String check) {
        try (InputStream in = InvariantChecks.class.getResourceAsStream("/verify/" + check + ".sql")) {
            if (in == null) throw new IllegalStateException("missing check verify/" + check + ".sql");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
