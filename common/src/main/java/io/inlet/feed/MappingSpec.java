package io.inlet.feed;

/** How a record becomes an event. (Fields are defined with the feeds-file loader.) */
public record MappingSpec() {
}
