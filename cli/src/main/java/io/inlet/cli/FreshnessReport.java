package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.arrival.ArrivalCheck;
import io.inlet.arrival.Freshness;
import io.inlet.feed.FeedRegistry;
import io.inlet.store.Transactions;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

/** The freshness lines of {@code inlet status}: each file feed's newest file, next expected slot and state. */
final class FreshnessReport {

    private FreshnessReport() {
    }

    static List<Freshness> of(FeedRegistry feeds, DataSource ds) {
        return new ArrivalCheck(feeds, new Transactions(ds), Clock.systemUTC()).freshness();
    }

    static String text(List<Freshness> rows) {
        StringBuilder b = new StringBuilder();
        for (Freshness f : rows) {
            b.append("feed ").append(TerminalText.escape(f.feed())).append(": ").append(f.state())
                    .append(", last file ").append(f.lastFileAt() == null ? "none"
                            : TerminalText.escape(f.lastFileKey()) + " at " + f.lastFileAt())
                    .append(f.nextExpected() == null ? "" : ", next expected " + f.nextExpected())
                    .append(System.lineSeparator());
        }
        return b.toString();
    }

    static ArrayNode json(ObjectMapper json, List<Freshness> rows) {
        ArrayNode out = json.createArrayNode();
        for (Freshness f : rows) {
            ObjectNode n = out.addObject();
            n.put("feed", f.feed());
            n.put("state", f.state().name());
            n.put("lastFileAt", f.lastFileAt() == null ? null : f.lastFileAt().toString());
            n.put("lastFileKey", f.lastFileKey());
            n.put("nextExpected", f.nextExpected() == null ? null : f.nextExpected().toString());
        }
        return out;
    }
}
