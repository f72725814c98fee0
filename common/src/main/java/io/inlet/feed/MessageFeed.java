package io.inlet.feed;

import java.util.List;

/**
 * A message feed: business events arriving on a queue or topic.
 *
 * @param name                   unique name
 * @param channel                logical queue/topic name the messages arrive on ({@code *} matches any)
 * @param format                 AUTO (CloudEvent if it looks like one, else plain JSON), JSON, or CLOUDEVENT
 * @param mapping                plain JSON object -> event (required unless format is CLOUDEVENT)
 * @param table                  target event table
 * @param derived                fan-out of the appended events
 * @param schemaVersionAttribute the message attribute that declares the schema version of the
 *                               message's events ({@value #DEFAULT_SCHEMA_VERSION_ATTRIBUTE} unless set:
 *                               the attribute Inlet's own publishers write)
 */
public record MessageFeed(String name, String channel, Format format, MappingSpec mapping, String table,
                          List<DerivedRoute> derived, String schemaVersionAttribute) {

    public static final String DEFAULT_SCHEMA_VERSION_ATTRIBUTE = "schemaVersion";

    public enum Format { AUTO, JSON, CLOUDEVENT }

    public MessageFeed {
        derived = derived == null ? List.of() : List.copyOf(derived);
        if (format == null) format = Format.AUTO;
        if (schemaVersionAttribute == null) schemaVersionAttribute = DEFAULT_SCHEMA_VERSION_ATTRIBUTE;
    }

    public MessageFeed(String name, String channel, Format format, MappingSpec mapping, String table,
                       List<DerivedRoute> derived) {
        this(name, channel, format, mapping, table, derived, null);
    }

    public boolean matches(String channel) {
        return "*".equals(this.channel) || this.channel.equals(channel);
    }
}
