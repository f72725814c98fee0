package io.inlet.projection;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One declared projection: a read model table with one row per stream of {@code source} (an
 * event table), kept by upserts per event type. Grain of its table: one row is one stream that has
 * had at least one event of a handled type, as of that stream's {@code stream_version}.
 *
 * @param name       the projection's name (CLI, catalog)
 * @param table      its table (a plain identifier, never an Inlet table nor an event table)
 * @param source     the event table it follows
 * @param mode       inline (in the append's transaction) or async (projector with a checkpoint)
 * @param columns    the declared columns, in order (besides stream_id, stream_version, updated_at)
 * @param handlers   per event type, its assignments, in file order
 * @param declaredAt where it is declared, for messages ({@code feeds.yaml: line 40: projection 'x'})
 */
public record Projection(String name, String table, String source, ProjectionMode mode, List<Column> columns,
                         Map<String, List<Assignment>> handlers, String declaredAt) {

    /** A declared column. */
    public record Column(String name, ColumnType type) {
    }

    /** Columns every projection table has, so no declared column may take their names. */
    public static final Set<String> OWN_COLUMNS = Set.of("stream_id", "stream_version", "updated_at");

    public Projection {
        columns = List.copyOf(columns);
        handlers = Map.copyOf(handlers);
    }

    /** The event types it handles (the others leave its table alone). */
    public Set<String> eventTypes() {
        return new LinkedHashSet<>(handlers.keySet());
    }

    /**
     * A text that changes whenever the table's shape, the upserts or the mode change; kept in the
     * catalog so {@code inlet projection status} can say a table was built by another definition.
     * The mode is part of it: switching async to inline would miss the events the projector had not
     * applied yet, so a switch needs a rebuild like any other change.
     */
    public String definition() {
        StringBuilder s = new StringBuilder("v1;mode=").append(mode.configName()).append(";table=").append(table)
                .append(";source=").append(source).append(";columns=");
        for (Column c : columns) s.append(c.name()).append(' ').append(c.type().sql()).append(',');
        s.append(";on=");
        handlers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            s.append(e.getKey()).append('{');
            for (Assignment a : e.getValue()) s.append(a.column()).append('=').append(a.op()).append(':').append(a.source()).append(',');
            s.append('}');
        });
        return s.toString();
    }
}
