package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import io.inlet.store.AppendOutcome;
import io.inlet.store.AppendRaceException;
import io.inlet.store.EventOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the append statement's per-row outcomes, turning a lost race into {@link AppendRaceException}. */
final class Classification {

    private Classification() {
    }

    static AppendOutcome read(PreparedStatement ps, AppendSql.Shape shape, List<EventEnvelope> events) throws SQLException {
        List<EventOutcome> outcomes = new ArrayList<>(events.size());
        long inserted = -1;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                outcomes.add(switch (rs.getString(2)) {
                    case "A" -> EventOutcome.APPENDED;
                    case "D" -> EventOutcome.DUPLICATE;
                    case "C" -> EventOutcome.CONFLICT;
                    default -> throw new AppendRaceException("event " + events.get(rs.getInt(1)).eventId()
                            + " was inserted concurrently by another writer; retrying the batch");
                });
                if (shape == AppendSql.Shape.SINGLE_PASS) inserted = rs.getLong(3);
            }
        }
        AppendOutcome outcome = new AppendOutcome(outcomes);
        if (shape == AppendSql.Shape.SINGLE_PASS && inserted != outcome.appended()) {
            throw new AppendRaceException((outcome.appended() - inserted) + " of the batch's " + outcome.appended()
                    + " new events were inserted concurrently by another writer; retrying the batch");
        }
        return outcome;
    }
}
