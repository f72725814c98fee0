package io.inlet.event;

import java.util.List;

/**
 * One line of a feed's fan-out: which derived events go to which logical destination.
 *
 * @param kind        what is sent
 * @param destination logical destination name; adapters resolve it to a queue URL or topic
 * @param eventTypes  for APPENDED and MAPPED: only these event types (empty = all)
 * @param mappedType  for MAPPED: the type of the derived event (e.g. {@code OrderReceived})
 */
public record DerivedRoute(Kind kind, String destination, List<String> eventTypes, String mappedType) {

    public enum Kind {
        /** Each newly appended event, as is. */
        APPENDED,
        /** The file's FileIngested / FileRejected summary. */
        SUMMARY,
        /** Each newly appended event under a new type, same payload. */
        MAPPED
    }

    public DerivedRoute {
        eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
    }

    public boolean appliesTo(String eventType) {
        return kind != Kind.SUMMARY && (eventTypes.isEmpty() || eventTypes.contains(eventType));
    }

    /** The type the derived event carries. */
    public String derivedType(String eventType) {
        return kind == Kind.MAPPED ? mappedType : eventType;
    }
}
