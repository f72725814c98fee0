package io.inlet.gcp.decode;

/**
 * The logical channel a Pub/Sub message arrived on, which selects its message feed: the configured
 * {@code INLET_CHANNEL} when set, else the topic's short name, else the subscription's short name
 * (a push delivery names only its subscription).
 */
public final class ChannelName {

    private ChannelName() {
    }

    /**
     * @param configured   INLET_CHANNEL, or null
     * @param topic        {@code projects/P/topics/T} or a CloudEvent source {@code //pubsub.googleapis.com/projects/P/topics/T}, or null
     * @param subscription {@code projects/P/subscriptions/S}, or null
     */
    public static String of(String configured, String topic, String subscription) {
        if (configured != null && !configured.isBlank()) return configured;
        String t = lastSegmentAfter(topic, "/topics/");
        if (t != null) return t;
        String s = lastSegmentAfter(subscription, "/subscriptions/");
        return s != null ? s : "pubsub";
    }

    private static String lastSegmentAfter(String name, String marker) {
        if (name == null) return null;
        int i = name.lastIndexOf(marker);
        if (i < 0) return null;
        String tail = name.substring(i + marker.length());
        return tail.isBlank() ? null : tail;
    }
}
