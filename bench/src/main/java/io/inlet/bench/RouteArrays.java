package io.inlet.bench;

import io.inlet.feed.DerivedRoute;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The routes as the three parallel arrays the statement unnests (SUMMARY routes left out), as EventStore builds them. */
record RouteArrays(String[] destinations, String[] onlyTypes, String[] derivedTypes) {

    static RouteArrays of(List<DerivedRoute> routes) {
        List<String> dest = new ArrayList<>(), only = new ArrayList<>(), derived = new ArrayList<>();
        for (DerivedRoute r : routes) {
            if (r.kind() == DerivedRoute.Kind.SUMMARY) continue;
            String mapped = r.kind() == DerivedRoute.Kind.MAPPED ? r.mappedType() : null;
            if (r.eventTypes().isEmpty()) {
                dest.add(r.destination());
                only.add(null);
                derived.add(mapped);
            } else {
                for (String t : r.eventTypes()) {
                    dest.add(r.destination());
                    only.add(t);
                    derived.add(mapped);
                }
            }
        }
        return new RouteArrays(dest.toArray(String[]::new), only.toArray(String[]::new), derived.toArray(String[]::new));
    }

    /** Binds the three arrays from parameter {@code first} on. */
    void bind(Connection c, PreparedStatement ps, int first) throws SQLException {
        ps.setArray(first, c.createArrayOf("text", destinations));
        ps.setArray(first + 1, c.createArrayOf("text", onlyTypes));
        ps.setArray(first + 2, c.createArrayOf("text", derivedTypes));
    }
}
