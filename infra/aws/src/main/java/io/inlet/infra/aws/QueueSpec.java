package io.inlet.infra.aws;

import java.util.regex.Pattern;

/**
 * A queue Inlet owns: an inbound business-event queue it consumes, or a destination queue the relay
 * publishes derived events to. A FIFO destination receives the stream id as message group and the
 * event id as deduplication id.
 *
 * @param name logical name; for destinations it is the name feeds use in their derived routes
 * @param fifo whether the queue (and therefore its dead-letter queue) is FIFO
 */
public record QueueSpec(String name, boolean fifo) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,60}");

    public QueueSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "queue name '" + name + "' must be 1-60 characters of letters, digits, '-' or '_'");
        }
    }

    public static QueueSpec standard(String name) {
        return new QueueSpec(name, false);
    }

    public static QueueSpec fifo(String name) {
        return new QueueSpec(name, true);
    }
}
