package io.inlet.feed;

import io.inlet.event.DerivedRoute;
import io.inlet.event.MappingSpec;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.inlet.event.PayloadSchema;
import io.inlet.event.Printable;
import io.inlet.event.StreamTemplate;
import io.inlet.event.TimeFormat;
import io.inlet.event.MappingSpec.EventTypeRule;
import io.inlet.event.MappingSpec.FieldRule;
import io.inlet.event.MappingSpec.FieldType;
import io.inlet.event.MappingSpec.IdRule;
import io.inlet.event.MappingSpec.IdStrategy;
import io.inlet.event.MappingSpec.OccurredAtRule;
import io.inlet.event.MappingSpec.PayloadRule;
import io.inlet.parse.FormatSpec;
import io.inlet.projection.Projection;
import io.inlet.projection.ProjectionConfigException;
import io.inlet.projection.ProjectionsSection;
import io.inlet.parse.RecordFormats;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates one feeds file (format: docs/feeds.md). Every error names the file, the feed
 * and the field path; unknown keys are errors. Checks that span feeds (unique names, overlapping
 * key patterns) are in {@link FeedRegistry}.
 */
final class FeedsFile {

    static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    static final Pattern DESTINATION = Pattern.compile("[A-Za-z0-9_.-]+");
    static final Pattern FEED_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,199}");
    static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
    static final Pattern CHANNEL = Pattern.compile("\\*|[A-Za-z0-9_.-]+");
    static final String DEFAULT_TABLE = "events";

    private static final Set<String> TOP_KEYS = Set.of("version", "feeds", "messages", "event_types", "projections");
    private static final Set<String> FEED_KEYS = Set.of("name", "bucket", "key_pattern", "format", "mapping", "table",
            "errors", "duplicate_content", "batch_size", "batch_bytes", "lanes", "lanes_from_bytes",
            "derived", "shared_streams", "control_totals", "receipts", "set", "expect");
    private static final Set<String> RECEIPT_KEYS = Set.of("prefix", "destination", "include_values");
    private static final Set<String> MESSAGE_KEYS = Set.of("name", "channel", "format", "mapping", "table", "derived",
            "schema_version_attribute", "attribute_fields", "shared_streams");
    /** A name SQS (256 characters of these) and Pub/Sub (256 bytes) both carry; {@code ce-*} belongs to CloudEvents. */
    static final Pattern ATTRIBUTE = Pattern.compile("(?![cC][eE]-)[A-Za-z0-9_.-]{1,256}");
    private static final Set<String> MAPPING_KEYS = Set.of("event_type", "stream_id", "occurred_at", "id",
            "decimal_separator", "grouping_separator", "payload", "schema_version", "schemas");
    private static final Set<String> EVENT_TYPE_KEYS = Set.of("column", "values");
    private static final Set<String> OCCURRED_KEYS = Set.of("column", "formats", "zone", "fallback_to_ingestion_time");
    private static final Set<String> ID_KEYS = Set.of("strategy", "column", "columns");
    private static final Set<String> PAYLOAD_KEYS = Set.of("include", "fields");
    private static final Set<String> FIELD_KEYS = Set.of("type", "from", "required", "formats", "zone");
    private static final Set<String> ERROR_KEYS = Set.of("policy", "max_count", "max_percent");
    private static final Set<String> DERIVED_KEYS = Set.of("events", "destination", "type", "only", "schema_versions");

    /** What one feeds file declares; {@code sharedStreams} names the feeds that set {@code shared_streams: true}. */
    record Contents(List<Feed> feeds, List<MessageFeed> messageFeeds, Set<String> sharedStreams,
                    io.inlet.event.SchemaCatalog schemaCatalog, Map<String, Map<String, Integer>> destinationVersions,
                    List<Projection> projections) {
    }

    private final String origin;
    private final Path baseDir;
    private final RecordFormats formats;
    private final Set<String> sharedStreams = new LinkedHashSet<>();
    private final Map<String, Map<String, Integer>> destinationVersions = new LinkedHashMap<>();

    FeedsFile(String origin, Path baseDir) {
        this(origin, baseDir, RecordFormats.standard());
    }

    FeedsFile(String origin, Path baseDir, RecordFormats formats) {
        this.origin = origin;
        this.baseDir = baseDir;
        this.formats = formats;
    }

    Contents read(String yaml) {
        ConfigNode root = new ConfigNode(origin, null, "", parseYaml(yaml));
        root.requireKeys(TOP_KEYS);
        ConfigNode version = root.get("version");
        if (version.isAbsent()) throw version.error("is required (version: 1)");
        if (!version.raw().isIntegralNumber() || version.raw().longValue() != 1) {
            throw version.error("unsupported version " + version.raw().asText() + " (this Inlet reads version 1)");
        }
        List<Feed> feeds = new ArrayList<>();
        List<ConfigNode> feedNodes = root.get("feeds").elements();
        for (int i = 0; i < feedNodes.size(); i++) feeds.add(fileFeed(feedNodes.get(i), i));
        List<MessageFeed> messages = new ArrayList<>();
        List<ConfigNode> messageNodes = root.get("messages").elements();
        for (int i = 0; i < messageNodes.size(); i++) messages.add(messageFeed(messageNodes.get(i), i));
        if (feeds.isEmpty() && messages.isEmpty()) throw root.error("declares no feeds (expected 'feeds:' or 'messages:')");
        List<Projection> projections = projections(yaml, root, feeds, messages);
        return new Contents(feeds, messages, Set.copyOf(sharedStreams), EventTypesSection.read(root.get("event_types"), baseDir),
                Map.copyOf(destinationVersions), projections);
    }

    /**
     * The {@code projections:} section ({@link ProjectionsSection} reads it), checked against the
     * feeds: a projection follows an event table some feed writes, into a table that is neither
     * an event table nor one of Inlet's own.
     */
    private List<Projection> projections(String yaml, ConfigNode root, List<Feed> feeds, List<MessageFeed> messages) {
        List<Projection> projections;
        try {
            projections = ProjectionsSection.read(origin, yaml, root.get("projections").raw());
        } catch (ProjectionConfigException e) {
            throw new FeedConfigException(e.getMessage(), e);
        }
        Set<String> eventTables = new LinkedHashSet<>();
        feeds.forEach(f -> eventTables.add(f.table()));
        messages.forEach(m -> eventTables.add(m.table()));
        for (Projection p : projections) {
            if (!eventTables.contains(p.source())) {
                throw new FeedConfigException(p.declaredAt() + ": events: '" + p.source() + "' is no feed's event table (feeds write "
                        + String.join(", ", eventTables) + ")");
            }
            if (eventTables.contains(p.table())) {
                throw new FeedConfigException(p.declaredAt() + ": table: '" + p.table() + "' is an event table; a projection needs a table of its own");
            }
            ReservedTables.whyNot(p.table()).ifPresent(why -> {
                throw new FeedConfigException(p.declaredAt() + ": table: " + why);
            });
        }
        return projections;
    }

    private JsonNode parseYaml(String yaml) {
        YAMLMapper mapper = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        try {
            JsonNode node = mapper.readTree(yaml);
            if (node == null || node.isMissingNode()) throw new FeedConfigException(origin + ": file is empty");
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new FeedConfigException(origin + ": " + where + "not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    // ---------------------------------------------------------------- file feeds

    private Feed fileFeed(ConfigNode at, int index) {
        ConfigNode node = named(at, "feed", index).requireKeys(FEED_KEYS);
        String name = node.get("name").text();
        String bucket = node.get("bucket").text();
        if (!BUCKET.matcher(bucket).matches()) {
            throw node.get("bucket").error("invalid bucket name '" + bucket + "' (lower-case letters, digits, '.', '-', '_'; 3-222 characters)");
        }
        ConfigNode patternNode = node.get("key_pattern");
        String pattern = patternNode.text();
        checkKeyPattern(patternNode, pattern);
        ConfigNode formatNode = node.get("format");
        if (formatNode.isAbsent()) throw formatNode.error("is required (type: " + String.join(" | ", formats.names()) + ")");
        FormatSpec format = FormatNode.spec(formatNode, formats);
        Set<String> knownColumns = format.declaredColumns().isEmpty() ? null : new LinkedHashSet<>(format.declaredColumns());
        MappingSpec mapping = mapping(node.get("mapping"), knownColumns, true);
        String table = table(node.get("table"));
        if (node.get("shared_streams").bool(false)) sharedStreams.add(name);
        ErrorPolicy errors = errorPolicy(node.get("errors"));
        DuplicateContentPolicy duplicates = switch (node.get("duplicate_content").text("ingest")) {
            case "ingest" -> DuplicateContentPolicy.INGEST;
            case "skip" -> DuplicateContentPolicy.SKIP;
            default -> throw node.get("duplicate_content").error("expected ingest or skip, found '"
                    + node.get("duplicate_content").text() + "'");
        };
        int batchSize = (int) node.get("batch_size").integer(Feed.DEFAULT_BATCH_SIZE, 1, 100_000);
        int batchBytes = (int) node.get("batch_bytes").integer(Feed.DEFAULT_BATCH_BYTES, 1 << 16, 1 << 30);
        int lanes = (int) node.get("lanes").integer(Feed.DEFAULT_LANES, 1, Feed.MAX_LANES);
        long lanesFromBytes = node.get("lanes_from_bytes").integer(Feed.DEFAULT_LANES_FROM_BYTES, 0, Long.MAX_VALUE);
        List<DerivedRoute> derived = derived(node.get("derived"), true, mapping);
        ControlTotals totals = ControlTotalsNode.totals(node.get("control_totals"));
        ReceiptSpec receipts = receipts(node.get("receipts"), pattern);
        FileSetSpec fileSet = FeedContractNodes.fileSet(node.get("set"));
        ArrivalExpectation expect = FeedContractNodes.expectation(node.get("expect"));
        return new Feed(name, new ObjectMatch(bucket, pattern), format, mapping, table, errors, duplicates, derived, batchSize,
                batchBytes, lanes, lanesFromBytes, totals, receipts, fileSet, expect);
    }

    private static ReceiptSpec receipts(ConfigNode node, String keyPattern) {
        if (node.isAbsent()) return null;
        node.requireKeys(RECEIPT_KEYS);
        ConfigNode prefixNode = node.get("prefix");
        String prefix = prefixNode.isAbsent() ? null : prefixNode.text();
        if (prefix != null && (prefix.isEmpty() || !prefix.endsWith("/") || prefix.startsWith("/") || prefix.contains(".."))) {
            throw prefixNode.error("a receipt prefix is a folder such as 'receipts/' (ends with '/', no '..'), found '" + prefix + "'");
        }
        ConfigNode destNode = node.get("destination");
        String destination = destNode.isAbsent() ? null : destNode.text();
        if (destination != null && !DESTINATION.matcher(destination).matches()) {
            throw destNode.error("invalid destination name '" + destination + "' (letters, digits, '_', '.', '-')");
        }
        if (prefix == null && destination == null) throw node.error("needs a prefix (receipts in the bucket) and/or a destination");
        return new ReceiptSpec(prefix, destination, node.get("include_values").bool(false));
    }

    /** Re-labels a feed node with its name once that is known, so later errors say which feed. */
    private ConfigNode named(ConfigNode at, String kind, int index) {
        ConfigNode byIndex = at.ownedBy(kind + " #" + (index + 1), "");
        if (!byIndex.isObject()) throw byIndex.error("expected a mapping (name: ..., ...)");
        ConfigNode nameNode = byIndex.get("name");
        String name = nameNode.text();
        if (!FEED_NAME.matcher(name).matches()) {
            throw nameNode.error("invalid name '" + name + "' (letters, digits, '_', '.', '-'; at most 100 characters)");
        }
        return at.ownedBy(kind + " '" + name + "'", "");
    }

    private static void checkKeyPattern(ConfigNode at, String pattern) {
        if (pattern.isEmpty()) throw at.error("must not be empty");
        if (pattern.startsWith("/")) throw at.error("must not start with '/' (keys have no leading slash): '" + pattern + "'");
        if (pattern.contains("***")) throw at.error("'***' is not a glob (use '**'): '" + pattern + "'");
        for (char c : pattern.toCharArray()) {
            if (Character.isISOControl(c)) throw at.error("contains a control character: '" + pattern + "'");
        }
        int minimum = KeyGlob.compile(pattern).minimumKeyBytes();
        if (minimum > ObjectKeys.MAX_KEY_BYTES) {
            throw at.error("can never match: a matching key has at least " + minimum + " bytes of UTF-8, and S3 and GCS keys have at most "
                    + ObjectKeys.MAX_KEY_BYTES);
        }
    }

    private static char oneChar(ConfigNode node, char fallback) {
        if (node.isAbsent()) return fallback;
        String s = node.text();
        if (s.length() != 1) throw node.error("expected exactly one character, found '" + s + "'");
        char c = s.charAt(0);
        if (c == '\n' || c == '\r') throw node.error("must not be a line break");
        return c;
    }

    private static String table(ConfigNode node) {
        String table = node.text(DEFAULT_TABLE);
        if (!TABLE.matcher(table).matches()) {
            throw node.error("invalid table name '" + table + "' (a plain SQL identifier: [a-z_][a-z0-9_]{0,62})");
        }
        ReservedTables.whyNot(table).ifPresent(why -> {
            throw node.error(why + "; name a table of the feed's own (e.g. " + table.replace("pg_", "") + "_events)");
        });
        return table;
    }

    private static ErrorPolicy errorPolicy(ConfigNode node) {
        if (node.isAbsent()) return ErrorPolicy.CONTINUE;
        node.requireKeys(ERROR_KEYS);
        String policy = node.get("policy").text();
        ConfigNode count = node.get("max_count");
        ConfigNode percent = node.get("max_percent");
        if (!"abort_above".equals(policy)) {
            if (!count.isAbsent()) throw count.error("only applies to policy abort_above");
            if (!percent.isAbsent()) throw percent.error("only applies to policy abort_above");
        }
        return switch (policy) {
            case "continue" -> ErrorPolicy.CONTINUE;
            case "skip_file" -> ErrorPolicy.SKIP_FILE;
            case "abort_above" -> {
                if (count.isAbsent() && percent.isAbsent()) {
                    throw node.get("policy").error("abort_above needs max_count and/or max_percent");
                }
                long maxCount = count.integer(-1, 0, Long.MAX_VALUE);
                double maxPercent = percent.number(-1, 0, 100);
                if (!percent.isAbsent() && maxPercent >= 100) {
                    throw percent.error("must be below 100 (100 would never abort; use policy continue)");
                }
                yield new ErrorPolicy(ErrorPolicy.Kind.ABORT_ABOVE, maxCount, maxPercent);
            }
            default -> throw node.get("policy").error("expected continue, skip_file or abort_above, found '" + policy + "'");
        };
    }

    private List<DerivedRoute> derived(ConfigNode node, boolean fileFeed, MappingSpec mapping) {
        List<DerivedRoute> routes = new ArrayList<>();
        for (ConfigNode route : node.elements()) {
            route.requireKeys(DERIVED_KEYS);
            ConfigNode eventsNode = route.get("events");
            String events = eventsNode.text();
            DerivedRoute.Kind kind = switch (events) {
                case "appended" -> DerivedRoute.Kind.APPENDED;
                case "summary" -> DerivedRoute.Kind.SUMMARY;
                case "mapped" -> DerivedRoute.Kind.MAPPED;
                default -> throw eventsNode.error("expected appended, summary or mapped, found '" + events + "'");
            };
            if (kind == DerivedRoute.Kind.SUMMARY && !fileFeed) {
                throw eventsNode.error("summary events exist only for file feeds");
            }
            ConfigNode destNode = route.get("destination");
            String destination = destNode.text();
            if (!DESTINATION.matcher(destination).matches()) {
                throw destNode.error("invalid destination name '" + destination + "' (letters, digits, '_', '.', '-')");
            }
            ConfigNode typeNode = route.get("type");
            String mappedType = null;
            if (kind == DerivedRoute.Kind.MAPPED) {
                if (typeNode.isAbsent()) throw typeNode.error("is required for mapped events (the derived event's type)");
                mappedType = eventType(typeNode);
            } else if (!typeNode.isAbsent()) {
                throw typeNode.error("only applies to mapped events");
            }
            ConfigNode onlyNode = route.get("only");
            if (kind == DerivedRoute.Kind.SUMMARY && !onlyNode.isAbsent()) throw onlyNode.error("does not apply to summary events");
            List<String> only = new ArrayList<>();
            Set<String> possible = possibleTypes(mapping);
            for (ConfigNode t : onlyNode.elements()) {
                String type = eventType(t);
                if (possible != null && !possible.contains(type)) {
                    throw t.error("event type '" + type + "' is never produced by this feed (it produces " + String.join(", ", possible) + ")");
                }
                only.add(type);
            }
            destinationVersions(route.get("schema_versions"), kind, destination);
            routes.add(new DerivedRoute(kind, destination, only, mappedType));
        }
        return routes;
    }

    /**
     * {@code schema_versions: { OrderPlaced: 2 }}: the version the destination receives each event type
     * at (upcast by the relay); one destination asks for one version per type across all routes.
     */
    private void destinationVersions(ConfigNode node, DerivedRoute.Kind kind, String destination) {
        if (node.isAbsent()) return;
        if (kind != DerivedRoute.Kind.APPENDED) throw node.error("applies to appended events only");
        Map<String, Integer> wanted = destinationVersions.computeIfAbsent(destination, d -> new LinkedHashMap<>());
        for (Map.Entry<String, ConfigNode> e : node.entries().entrySet()) {
            if (!EVENT_TYPE.matcher(e.getKey()).matches()) throw e.getValue().error("invalid event type '" + e.getKey() + "'");
            int version = (int) e.getValue().integer(1, 1, Integer.MAX_VALUE);
            Integer before = wanted.putIfAbsent(e.getKey(), version);
            if (before != null && before != version) {
                throw e.getValue().error("destination '" + destination + "' already asks for version " + before + " of " + e.getKey()
                        + " on another route (one version per destination and event type)");
            }
        }
    }

    /** The event types a mapping can produce, or null when they come from record values. */
    private static Set<String> possibleTypes(MappingSpec mapping) {
        if (mapping == null) return null;
        EventTypeRule rule = mapping.eventType();
        if (rule.fixed() != null) return Set.of(rule.fixed());
        return rule.values().isEmpty() ? null : new LinkedHashSet<>(rule.values().values());
    }

    private static String eventType(ConfigNode node) {
        String type = node.text();
        if (!EVENT_TYPE.matcher(type).matches()) {
            throw node.error("invalid event type '" + type + "' (a letter, then letters, digits, '_', '.', '-')");
        }
        return type;
    }

    // ---------------------------------------------------------------- message feeds

    private MessageFeed messageFeed(ConfigNode at, int index) {
        ConfigNode node = named(at, "message feed", index).requireKeys(MESSAGE_KEYS);
        String name = node.get("name").text();
        ConfigNode channelNode = node.get("channel");
        String channel = channelNode.text();
        if (!CHANNEL.matcher(channel).matches()) {
            throw channelNode.error("invalid channel '" + channel + "' (a queue/topic name of letters, digits, '_', '.', '-', or '*')");
        }
        ConfigNode formatNode = node.get("format");
        MessageFeed.Format format = switch (formatNode.text("auto")) {
            case "auto" -> MessageFeed.Format.AUTO;
            case "json" -> MessageFeed.Format.JSON;
            case "cloudevent" -> MessageFeed.Format.CLOUDEVENT;
            default -> throw formatNode.error("expected auto, json or cloudevent, found '" + formatNode.text() + "'");
        };
        ConfigNode mappingNode = node.get("mapping");
        if (mappingNode.isAbsent() && format != MessageFeed.Format.CLOUDEVENT) {
            throw mappingNode.error("is required unless format is cloudevent (plain JSON messages need a mapping)");
        }
        MappingSpec mapping = mappingNode.isAbsent() ? null : mapping(mappingNode, null, false);
        String table = table(node.get("table"));
        if (node.get("shared_streams").bool(false)) sharedStreams.add(name);
        List<DerivedRoute> derived = derived(node.get("derived"), false, mapping);
        ConfigNode attributeNode = node.get("schema_version_attribute");
        String attribute = attributeNode.text(MessageFeed.DEFAULT_SCHEMA_VERSION_ATTRIBUTE);
        if (!ATTRIBUTE.matcher(attribute).matches()) {
            throw attributeNode.error("invalid attribute name '" + Printable.of(attribute, 60) + "' (1 to 256 letters, digits, "
                    + "'_', '.', '-'; not starting with 'ce-', which names CloudEvent attributes)");
        }
        return new MessageFeed(name, channel, format, mapping, table, derived, attribute,
                attributeFields(node.get("attribute_fields"), format));
    }

    /** {@code attribute_fields}: message attribute -> the record field the mapping reads it as. */
    private static Map<String, String> attributeFields(ConfigNode node, MessageFeed.Format format) {
        if (node.isAbsent()) return Map.of();
        if (!node.isObject()) throw node.error("expected a map of attribute name -> field name");
        if (format == MessageFeed.Format.CLOUDEVENT) {
            throw node.error("applies to plain JSON messages; a cloudevent feed has no mapping to read them");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Set<String> targets = new HashSet<>();
        for (Map.Entry<String, ConfigNode> e : node.entries().entrySet()) {
            if (!ATTRIBUTE.matcher(e.getKey()).matches()) {
                throw e.getValue().error("invalid attribute name '" + Printable.of(e.getKey(), 60) + "' (1 to 256 letters, "
                        + "digits, '_', '.', '-'; not starting with 'ce-')");
            }
            String field = e.getValue().text();
            if (field.isBlank() || field.length() > 256 || Printable.of(field, 256).length() != field.length()) {
                throw e.getValue().error("invalid field name '" + Printable.of(field, 60) + "' (1 to 256 printable characters)");
            }
            if (!targets.add(field)) throw e.getValue().error("field '" + field + "' is set from two attributes");
            fields.put(e.getKey(), field);
        }
        return fields;
    }

    // ---------------------------------------------------------------- mapping

    private MappingSpec mapping(ConfigNode node, Set<String> knownColumns, boolean fileFeed) {
        if (node.isAbsent()) throw node.error("is required");
        node.requireKeys(MAPPING_KEYS);
        ColumnCheck columns = new ColumnCheck(knownColumns);

        PayloadRule payload = payload(node.get("payload"), node, columns);
        columns.addFieldNames(payload);

        EventTypeRule eventType = eventTypeRule(node.get("event_type"), columns);

        ConfigNode streamNode = node.get("stream_id");
        String stream = streamNode.text();
        StreamTemplate template;
        try {
            template = StreamTemplate.parse(stream);
        } catch (IllegalArgumentException e) {
            throw streamNode.error(e.getMessage());
        }
        for (String name : template.names()) columns.checkTemplateName(streamNode, name, stream);

        OccurredAtRule occurredAt = occurredAt(node.get("occurred_at"), columns);
        IdRule id = idRule(node.get("id"), columns);

        ConfigNode decimalNode = node.get("decimal_separator");
        char decimal = oneChar(decimalNode, '.');
        if (decimal != '.' && decimal != ',') throw decimalNode.error("expected '.' or ',', found '" + decimal + "'");
        ConfigNode groupingNode = node.get("grouping_separator");
        Character grouping = groupingNode.isAbsent() ? null : oneChar(groupingNode, ',');
        if (grouping != null) {
            if (".,' _".indexOf(grouping) < 0) throw groupingNode.error("expected one of . , ' _ or a space, found '" + grouping + "'");
            if (grouping == decimal) throw groupingNode.error("must differ from decimal_separator");
        }

        ConfigNode versionNode = node.get("schema_version");
        String versionColumn = null;
        if (versionNode.isObject()) {
            versionNode.requireKeys(Set.of("column"));
            versionColumn = versionNode.get("column").text(); // each record declares its version in this column
        }
        int schemaVersion = versionColumn != null ? 1 : (int) versionNode.integer(1, 1, Integer.MAX_VALUE);
        Map<String, Path> schemas = schemas(node.get("schemas"), eventType);
        return new MappingSpec(eventType, stream, occurredAt, id, decimal, grouping, payload, schemaVersion, schemas, versionColumn);
    }

    private static EventTypeRule eventTypeRule(ConfigNode node, ColumnCheck columns) {
        if (node.isAbsent()) throw node.error("is required (a fixed type, or {column: ..., values: {...}})");
        if (node.isScalar()) return EventTypeRule.fixed(eventType(node));
        node.requireKeys(EVENT_TYPE_KEYS);
        ConfigNode columnNode = node.get("column");
        String column = columnNode.text();
        columns.checkColumn(columnNode, column);
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : node.get("values").entries().entrySet()) values.put(e.getKey(), eventType(e.getValue()));
        if (node.has("values") && values.isEmpty()) throw node.get("values").error("must not be empty (omit it to use the raw value)");
        return EventTypeRule.fromColumn(column, values);
    }

    private static OccurredAtRule occurredAt(ConfigNode node, ColumnCheck columns) {
        if (node.isAbsent()) throw node.error("is required ({column: ..., formats: [...]})");
        node.requireKeys(OCCURRED_KEYS);
        ConfigNode columnNode = node.get("column");
        String column = columnNode.text();
        columns.checkColumn(columnNode, column);
        List<String> formats = formats(node.get("formats"), false);
        ZoneId zone = zone(node.get("zone"));
        boolean fallback = node.get("fallback_to_ingestion_time").bool(false);
        return new OccurredAtRule(column, formats, zone, fallback);
    }

    private static List<String> formats(ConfigNode node, boolean dateOnly) {
        if (!node.isAbsent() && node.elements().isEmpty()) throw node.error("must list at least one format");
        List<String> formats = new ArrayList<>();
        for (ConfigNode f : node.elements()) {
            String spec = f.text();
            try {
                TimeFormat.compile(spec);
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
            if (dateOnly && (TimeFormat.EPOCH_MILLIS.equals(spec) || TimeFormat.EPOCH_SECONDS.equals(spec))) {
                throw f.error(spec + " is not a date format");
            }
            formats.add(spec);
        }
        return formats;
    }

    private static ZoneId zone(ConfigNode node) {
        if (node.isAbsent()) return null;
        String zone = node.text();
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw node.error("unknown zone '" + zone + "' (" + e.getMessage() + ")");
        }
    }

    private static IdRule idRule(ConfigNode node, ColumnCheck columns) {
        if (node.isAbsent()) throw node.error("is required ({strategy: column | hash | position, ...})");
        node.requireKeys(ID_KEYS);
        ConfigNode strategyNode = node.get("strategy");
        String strategy = strategyNode.text();
        ConfigNode columnNode = node.get("column");
        ConfigNode columnsNode = node.get("columns");
        switch (strategy) {
            case "column" -> {
                if (!columnsNode.isAbsent()) throw columnsNode.error("does not apply to strategy column (use column: NAME)");
                String column = columnNode.text();
                columns.checkColumn(columnNode, column);
                return IdRule.column(column);
            }
            case "hash" -> {
                if (!columnNode.isAbsent()) throw columnNode.error("does not apply to strategy hash (use columns: [A, B])");
                if (columnsNode.isAbsent() || columnsNode.elements().isEmpty()) {
                    throw columnsNode.error("strategy hash needs at least one column");
                }
                Set<String> unique = new LinkedHashSet<>();
                for (ConfigNode c : columnsNode.elements()) {
                    String column = c.text();
                    columns.checkColumn(c, column);
                    if (!unique.add(column)) throw c.error("duplicate column '" + column + "'");
                }
                return IdRule.hash(List.copyOf(unique));
            }
            case "position" -> {
                if (!columnNode.isAbsent()) throw columnNode.error("does not apply to strategy position");
                if (!columnsNode.isAbsent()) throw columnsNode.error("does not apply to strategy position");
                return IdRule.position();
            }
            default -> throw strategyNode.error("expected column, hash or position, found '" + strategy + "'");
        }
    }

    private static PayloadRule payload(ConfigNode node, ConfigNode mapping, ColumnCheck columns) {
        if (node.isAbsent()) return PayloadRule.ALL;
        node.requireKeys(PAYLOAD_KEYS);
        ConfigNode includeNode = node.get("include");
        boolean all = switch (includeNode.text("all")) {
            case "all" -> true;
            case "selected" -> false;
            default -> throw includeNode.error("expected all or selected, found '" + includeNode.text() + "'");
        };
        List<FieldRule> fields = new ArrayList<>();
        for (Map.Entry<String, ConfigNode> e : node.get("fields").entries().entrySet()) {
            fields.add(field(e.getKey(), e.getValue(), columns));
        }
        if (!all && fields.isEmpty()) throw node.get("fields").error("include: selected needs at least one field");
        return new PayloadRule(all, fields);
    }

    private static FieldRule field(String name, ConfigNode node, ColumnCheck columns) {
        if (name.isBlank()) throw node.error("field name is empty");
        if (node.isAbsent()) {
            columns.checkColumn(node, name);
            return new FieldRule(name, name, FieldType.STRING, false, List.of(), null);
        }
        node.requireKeys(FIELD_KEYS);
        ConfigNode typeNode = node.get("type");
        String typeName = typeNode.text("string");
        FieldType type;
        try {
            type = FieldType.valueOf(typeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw typeNode.error("expected string, integer, decimal, boolean, date, timestamp or json, found '" + typeName + "'");
        }
        ConfigNode fromNode = node.get("from");
        String from = fromNode.text(name);
        columns.checkColumn(fromNode.isAbsent() ? node : fromNode, from);
        boolean required = node.get("required").bool(false);
        ConfigNode formatsNode = node.get("formats");
        if (!formatsNode.isAbsent() && type != FieldType.DATE && type != FieldType.TIMESTAMP) {
            throw formatsNode.error("only applies to types date and timestamp");
        }
        List<String> formats = formats(formatsNode, type == FieldType.DATE);
        ConfigNode zoneNode = node.get("zone");
        if (!zoneNode.isAbsent() && type != FieldType.TIMESTAMP) throw zoneNode.error("only applies to type timestamp");
        return new FieldRule(name, from, type, required, formats, zone(zoneNode));
    }

    private Map<String, Path> schemas(ConfigNode node, EventTypeRule eventType) {
        Map<String, Path> schemas = new LinkedHashMap<>();
        Set<String> possible = eventType.fixed() != null ? Set.of(eventType.fixed())
                : eventType.values().isEmpty() ? null : new LinkedHashSet<>(eventType.values().values());
        for (Map.Entry<String, ConfigNode> e : node.entries().entrySet()) {
            String type = e.getKey();
            ConfigNode at = e.getValue();
            if (!EVENT_TYPE.matcher(type).matches()) throw at.error("invalid event type '" + type + "'");
            if (possible != null && !possible.contains(type)) {
                throw at.error("event type '" + type + "' is never produced by this feed (it produces "
                        + String.join(", ", possible) + ")");
            }
            Path file = baseDir.resolve(at.text()).normalize();
            try {
                PayloadSchema.load(file);
            } catch (IllegalArgumentException ex) {
                throw at.error(ex.getMessage(), ex);
            }
            schemas.put(type, file.toAbsolutePath());
        }
        return schemas;
    }

    /**
     * Checks column references when the columns are known (declared CSV columns); a template may
     * also name a payload field, which stands for its source column.
     */
    private static final class ColumnCheck {
        private final Set<String> known;
        private final Set<String> fieldNames = new LinkedHashSet<>();

        ColumnCheck(Set<String> known) {
            this.known = known;
        }

        void addFieldNames(PayloadRule payload) {
            for (FieldRule f : payload.fields()) fieldNames.add(f.name());
        }

        void checkColumn(ConfigNode at, String column) {
            if (column.isEmpty()) throw at.error("column name is empty");
            if (known != null && !known.contains(column)) {
                throw at.error("unknown column '" + column + "' (declared columns: " + String.join(", ", known) + ")");
            }
        }

        void checkTemplateName(ConfigNode at, String name, String template) {
            if (known != null && !known.contains(name) && !fieldNames.contains(name)) {
                throw at.error("unknown column '" + name + "' in template '" + template + "' (declared columns: "
                        + String.join(", ", known) + ")");
            }
        }
    }
}
