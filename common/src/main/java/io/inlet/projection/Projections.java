package io.inlet.projection;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The projections a feeds file declares, with the inline ones found by their event table. */
public final class Projections {

    /** No projections: every append is just an append. */
    public static final Projections NONE = new Projections(List.of());

    private final List<Projection> all;
    private final Map<String, List<Projection>> inlineBySource;

    public Projections(List<Projection> all) {
        this.all = List.copyOf(all);
        this.inlineBySource = this.all.stream().filter(p -> p.mode() == ProjectionMode.INLINE)
                .collect(Collectors.groupingBy(Projection::source, Collectors.toUnmodifiableList()));
    }

    public List<Projection> all() {
        return all;
    }

    public List<Projection> async() {
        return all.stream().filter(p -> p.mode() == ProjectionMode.ASYNC).toList();
    }

    /** The inline projections of events appended to {@code eventTable}. */
    public List<Projection> inlineFor(String eventTable) {
        return inlineBySource.getOrDefault(eventTable, List.of());
    }

    public Optional<Projection> named(String name) {
        return all.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }
}
