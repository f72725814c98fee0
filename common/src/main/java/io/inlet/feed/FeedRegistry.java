package io.inlet.feed;

import io.inlet.event.MappingSpec;

import io.inlet.event.EventMapper;
import io.inlet.event.SchemaCatalog;
import io.inlet.parse.RecordFormats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.inlet.projection.Projections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validated feeds of one feeds file (reference: docs/feeds.md), with each feed's
 * {@link EventMapper} compiled once. Loading fails with {@link FeedConfigException} naming the
 * file, the feed and the field; a registry that exists is valid. Immutable and thread-safe.
 *
 * <p>Matching is in file order: {@link #matchObject} returns the FIRST file feed whose bucket and
 * key pattern match, {@link #matchMessage} the first message feed whose channel matches. Feeds whose
 * patterns could match the same key are reported by {@link #warnings()} (and logged) at load.
 */
public final class FeedRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(FeedRegistry.class);

    private final String origin;
    private final List<Feed> feeds;
    private final List<MessageFeed> messageFeeds;
    private final Map<String, EventMapper> mappers;
    private final List<String> warnings;
    private final SchemaCatalog schemaCatalog;
    private final Map<String, Map<String, Integer>> destinationVersions;
    private final Projections projections;

    private FeedRegistry(String origin, List<Feed> feeds, List<MessageFeed> messageFeeds,
                         Map<String, EventMapper> mappers, List<String> warnings, SchemaCatalog schemaCatalog,
                         Map<String, Map<String, Integer>> destinationVersions, Projections projections) {
        this.projections = projections;
        this.origin = origin;
        this.schemaCatalog = schemaCatalog;
        this.destinationVersions = destinationVersions;
        this.feeds = List.copyOf(feeds);
        this.messageFeeds = List.copyOf(messageFeeds);
        this.mappers = Collections.unmodifiableMap(mappers);
        this.warnings = List.copyOf(warnings);
    }

    /** Loads a feeds file; schema paths in it are relative to the file's directory. */
    public static FeedRegistry load(Path feedsFile) {
        String yaml;
        try {
            yaml = Files.readString(feedsFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FeedConfigException(feedsFile + ": feeds file not found");
        } catch (IOException e) {
            throw new FeedConfigException(feedsFile + ": cannot read feeds file: " + e.getMessage(), e);
        }
        Path dir = feedsFile.toAbsolutePath().getParent();
        return parse(yaml, feedsFile.getFileName().toString(), dir);
    }

    /**
     * Parses feeds-file text. {@code origin} names it in errors; schema paths are relative to the
     * working directory.
     */
    public static FeedRegistry parse(String yaml, String origin) {
        return parse(yaml, origin, Path.of("").toAbsolutePath());
    }

    /** Parses feeds-file text whose schema paths are relative to {@code baseDir}. */
    public static FeedRegistry parse(String yaml, String origin, Path baseDir) {
        return parse(yaml, origin, baseDir, RecordFormats.standard());
    }

    /**
     * Parses feeds-file text whose {@code format.type} names resolve in {@code formats} (instead of
     * the built-in and service-declared formats of {@link RecordFormats#standard()}).
     */
    public static FeedRegistry parse(String yaml, String origin, Path baseDir, RecordFormats formats) {
        FeedsFile.Contents contents = new FeedsFile(origin, baseDir, formats).read(yaml);
        Map<String, EventMapper> mappers = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (Feed feed : contents.feeds()) {
            if (!names.add(feed.name())) throw duplicateName(origin, "feed", feed.name());
            mappers.put(feed.name(), compile(origin, "feed", feed.name(), feed.mapping(), contents.schemaCatalog()));
        }
        for (MessageFeed feed : contents.messageFeeds()) {
            if (!names.add(feed.name())) throw duplicateName(origin, "message feed", feed.name());
            if (feed.mapping() != null) mappers.put(feed.name(), compile(origin, "message feed", feed.name(), feed.mapping(), contents.schemaCatalog()));
        }
        for (var d : contents.destinationVersions().entrySet()) {
            for (var t : d.getValue().entrySet()) {
                if (contents.schemaCatalog().version(t.getKey(), t.getValue()).isEmpty()) {
                    throw new FeedConfigException(origin + ": destination '" + d.getKey() + "': schema_versions." + t.getKey()
                            + ": version " + t.getValue() + " of " + t.getKey() + " is not declared in event_types");
                }
            }
        }
        SharedStreams.check(origin, contents);
        List<String> warnings = new ArrayList<>();
        checkObjectOverlaps(origin, contents.feeds(), warnings);
        checkChannelOverlaps(origin, contents.messageFeeds(), warnings);
        for (String w : warnings) LOG.warn(w);
        return new FeedRegistry(origin, contents.feeds(), contents.messageFeeds(), mappers, warnings, contents.schemaCatalog(),
                contents.destinationVersions(), new Projections(contents.projections()));
    }

    private static FeedConfigException duplicateName(String origin, String kind, String name) {
        return new FeedConfigException(origin + ": " + kind + " '" + name + "': name: duplicate feed name '" + name
                + "' (names must be unique across feeds and messages)");
    }

    private static EventMapper compile(String origin, String kind, String name, MappingSpec mapping, SchemaCatalog catalog) {
        String fixedType = mapping.eventType().fixed();
        if (fixedType != null && mapping.schemaVersionColumn() == null && catalog.declares(fixedType)
                && catalog.version(fixedType, mapping.schemaVersion()).isEmpty()) {
            throw new FeedConfigException(origin + ": " + kind + " '" + name + "': mapping.schema_version: version "
                    + mapping.schemaVersion() + " of " + fixedType + " is not declared in event_types (declared: 1 to "
                    + catalog.latest(fixedType) + ")");
        }
        try {
            return EventMapper.compile(name, mapping, catalog);
        } catch (IllegalArgumentException e) { // the reader already checked each part; this is a safety net
            throw new FeedConfigException(origin + ": " + kind + " '" + name + "': mapping: " + e.getMessage(), e);
        }
    }

    private static void checkObjectOverlaps(String origin, List<Feed> feeds, List<String> warnings) {
        for (int i = 0; i < feeds.size(); i++) {
            for (int j = i + 1; j < feeds.size(); j++) {
                ObjectMatch a = feeds.get(i).match();
                ObjectMatch b = feeds.get(j).match();
                if (!a.bucket().equals(b.bucket())) continue;
                if (a.keyPattern().equals(b.keyPattern())) {
                    throw new FeedConfigException(origin + ": feed '" + feeds.get(j).name() + "': key_pattern: same bucket and key_pattern '"
                            + b.keyPattern() + "' as feed '" + feeds.get(i).name() + "', so it could never match");
                }
                if (GlobOverlap.overlaps(a.keyPattern(), b.keyPattern())) {
                    warnings.add(origin + ": feeds '" + feeds.get(i).name() + "' and '" + feeds.get(j).name()
                            + "' may both match keys in bucket '" + a.bucket() + "' (key patterns '" + a.keyPattern()
                            + "' and '" + b.keyPattern() + "'); the first in file order, '" + feeds.get(i).name() + "', wins");
                }
            }
        }
    }

    private static void checkChannelOverlaps(String origin, List<MessageFeed> feeds, List<String> warnings) {
        for (int i = 0; i < feeds.size(); i++) {
            for (int j = i + 1; j < feeds.size(); j++) {
                MessageFeed a = feeds.get(i);
                MessageFeed b = feeds.get(j);
                if (a.channel().equals(b.channel())) {
                    throw new FeedConfigException(origin + ": message feed '" + b.name() + "': channel: channel '" + b.channel()
                            + "' is already taken by message feed '" + a.name() + "', so it could never match");
                }
                if ("*".equals(a.channel())) {
                    warnings.add(origin + ": message feed '" + a.name() + "' takes every channel, so message feed '"
                            + b.name() + "' after it never matches");
                }
            }
        }
    }

    /**
     * The first file feed, in file order, whose bucket and key pattern match the object; never one
     * for a receipt Inlet wrote or a control sidecar of a feed in that bucket ({@link #controlOwner}).
     */
    public Optional<Feed> matchObject(String bucket, String key) {
        if (controlOwner(bucket, key).isPresent()) return Optional.empty();
        for (Feed feed : feeds) {
            if (feed.match().matches(bucket, key)) return Optional.of(feed);
        }
        return Optional.empty();
    }

    /** The feed whose receipt prefix or sidecar suffix {@code key} in {@code bucket} has: a control object, not data. */
    public Optional<Feed> controlOwner(String bucket, String key) {
        for (Feed feed : feeds) {
            if (feed.match().bucket().equals(bucket) && feed.ownsControlKey(key)) return Optional.of(feed);
        }
        return Optional.empty();
    }

    /** The first message feed, in file order, that takes messages from the channel. */
    public Optional<MessageFeed> matchMessage(String channel) {
        for (MessageFeed feed : messageFeeds) {
            if (feed.matches(channel)) return Optional.of(feed);
        }
        return Optional.empty();
    }

    /** The file feeds, in file order. */
    public List<Feed> feeds() {
        return feeds;
    }

    /** The message feeds, in file order. */
    public List<MessageFeed> messageFeeds() {
        return messageFeeds;
    }

    /** The file feed of that name. */
    public Optional<Feed> feed(String name) {
        return feeds.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The message feed of that name. */
    public Optional<MessageFeed> messageFeed(String name) {
        return messageFeeds.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /**
     * The compiled mapper of a file or message feed.
     *
     * @throws IllegalArgumentException when no feed has that name, or it is a CloudEvent-only message feed without mapping
     */
    public EventMapper mapper(String feedName) {
        EventMapper mapper = mappers.get(feedName);
        if (mapper == null) throw new IllegalArgumentException(origin + ": no feed with a mapping is named '" + feedName + "'");
        return mapper;
    }

    /** Every event table the feeds write to, including the default {@code events}. */
    /** The projections the feeds file declares (section {@code projections:}). */
    public Projections projections() {
        return projections;
    }

    public Set<String> eventTables() {
        Set<String> tables = new LinkedHashSet<>();
        tables.add(FeedsFile.DEFAULT_TABLE);
        feeds.forEach(f -> tables.add(f.table()));
        messageFeeds.forEach(f -> tables.add(f.table()));
        return Collections.unmodifiableSet(tables);
    }

    /** Every logical destination name the feeds route to. */
    public Set<String> destinations() {
        Set<String> destinations = new LinkedHashSet<>();
        feeds.forEach(f -> f.derived().forEach(r -> destinations.add(r.destination())));
        messageFeeds.forEach(f -> f.derived().forEach(r -> destinations.add(r.destination())));
        return Collections.unmodifiableSet(destinations);
    }

    /** Doubts found at load that are not errors (overlapping key patterns), as logged. */
    public List<String> warnings() {
        return warnings;
    }

    /** Where the feeds came from (the feeds file name), as errors name it. */
    /** Destination -> event type -> the schema version the relay sends it at (routes' {@code schema_versions}). */
    public Map<String, Map<String, Integer>> destinationVersions() {
        return destinationVersions;
    }

    /** The {@code event_types} section: schema versions and upcasters per event type. */
    public SchemaCatalog schemaCatalog() {
        return schemaCatalog;
    }

    public String origin() {
        return origin;
    }
}
