package io.inlet.feed;

import io.inlet.event.MappingSpec;
import io.inlet.event.DerivedRoute;

import java.util.List;
import java.util.Map;

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
 * @param attributeFields        message attributes the mapping reads as record fields: attribute name ->
 *                               field name (plain JSON only); a body that has such a field already is refused
 */
public record MessageFeed(String name, String channel, Format format, MappingSpec mapping, String table,
                          List<DerivedRoute> derived, String schemaVersionAttribute, Map<String, String> attributeFields) {

    public static final String DEFAULT_SCHEMA_VERSION_ATTRIBUTE = "schemaVersion";

    public enum Format { AUTO, JSON, CLOUDEVENT }

    public MessageFeed {
        derived = derived == null ? List.of() : List.copyOf(derived);
        if (format == null) format = Format.AUTO;
        if (schemaVersionAttribute == null) schemaVersionAttribute = DEFAULT_SCHEMA_VERSION_ATTRIBUTE;
        attributeFields = attributeFields == null ? Map.of() : Map.copyOf(attributeFields);
    }

    public MessageFeed(String name, String channel, Format format, MappingSpec mapping, String table,
                       List<DerivedRoute> derived, String schemaVersionAttribute) {
        this(name, channel, format, mapping, table, derived, schemaVersionAttribute, null);
    }

    public MessageFeed(String name, String channel, Format format, MappingSpec mapping, String table,
                       List<DerivedRoute> derived) {
        this(name, channel, format, mapping, table, derived, null, null);
    }

    public boolean matches(String channel) {
        return "*".equals(this.channel) || this.channel.equals(channel);
    }
}
