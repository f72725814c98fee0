package io.inlet.feed;

import java.util.List;

/**
 * A message feed: business events arriving on a queue or topic.
 *
 * @param name     unique name
 * @param channel  logical queue/topic name the messages arrive on ({@code *} matches any)
 * @param format   AUTO (CloudEvent if it looks like one, else plain JSON), JSON, or CLOUDEVENT
 * @param mapping  plain JSON object -> event (required unless format is CLOUDEVENT)
 * @param table    target event table
 * @param derived  fan-out of the appended events
 */
public record MessageFeed(String name, String channel, Format format, MappingSpec mapping, String table,
                          List<DerivedRoute> derived) {

    public enum Format { AUTO, JSON, CLOUDEVENT }

    public MessageFeed {
        derived = derived == null ? List.of() : List.copyOf(derived);
        if (format == null) format = Format.AUTO;
    }

    public boolean matches(String channel) {
        return "*".equals(this.channel) || this.channel.equals(channel);
    }
}
