package io.inlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.DerivedRoute;
import io.inlet.event.MappingSpec;
import io.inlet.event.SchemaCatalog;
import io.inlet.event.SchemaCompatibility;
import io.inlet.event.SchemaVersion;
import io.inlet.event.UpcastException;
import io.inlet.event.UpcastStep;
import io.inlet.event.Upcasting;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inlet schemas check | catalog}: the feeds file's event_types, for CI and for people. */
@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = "Check schema versions for compatibility (CI) or print the catalog of event types.",
        subcommands = {SchemasCommand.Check.class, SchemasCommand.Catalog.class})
final class SchemasCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Refuse schema versions that break compatibility: a required field added without a default or",
                    "derive step, a type narrowed, a field dropped or the schema closed (additionalProperties: false);",
                    "with --baseline, a stored version removed or its schema or steps changed; with --stored, a version",
                    "stored in the database that event_types does not declare, or a stored payload (sampled) that does not",
                    "upcast to the newest version. Exit 0 compatible, 1 incompatible, 2 bad arguments, 3 invalid feeds file,",
                    "4 the database failed."})
    static final class Check extends CliCommand {

        @Option(names = "--baseline", paramLabel = "FEEDS",
                description = "The feeds file already deployed (e.g. from the main branch): its versions are stored, so immutable.")
        Path baseline;

        @Option(names = "--stored", description = "Also check what the database stores (INLET_DATABASE_URL / --database-url).")
        boolean stored;

        @Option(names = "--sample", defaultValue = "1000", paramLabel = "N",
                description = "With --stored: newest payloads per event type and version to upcast (default: ${DEFAULT-VALUE}).")
        int sample;

        @Option(names = "--json", description = "One JSON document instead of the lines.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            if (sample < 1) throw new CliException(ExitCodes.USAGE, "--sample must be 1 or more (was " + sample + ")");
            FeedRegistry feeds = ctx.feeds();
            SchemaCatalog catalog = feeds.schemaCatalog();
            SchemaCatalog base = baseline == null ? SchemaCatalog.EMPTY : FeedRegistry.load(baseline).schemaCatalog();
            List<SchemaCompatibility.Finding> findings = new ArrayList<>(SchemaCompatibility.check(catalog, base));
            long checked = 0;
            if (stored) checked = checkStored(ctx, feeds, catalog, findings);
            ObjectNode doc = JSON.createObjectNode();
            doc.put("feedsFile", ctx.feedsLocation().toString()).put("compatible", findings.isEmpty());
            if (baseline != null) doc.put("baseline", baseline.toString());
            if (stored) doc.put("storedPayloadsChecked", checked);
            ArrayNode list = doc.putArray("findings");
            for (SchemaCompatibility.Finding f : findings) {
                list.addObject().put("eventType", f.eventType()).put("version", f.version()).put("rule", f.rule())
                        .put("field", f.field()).put("detail", f.detail());
            }
            if (json) {
                ctx.out.println(JSON.writeValueAsString(doc));
            } else {
                int versions = catalog.eventTypes().stream().mapToInt(catalog::latest).sum();
                ctx.out.println(ctx.feedsLocation() + ": " + catalog.eventTypes().size() + " event type(s), " + versions + " schema version(s)"
                        + (stored ? ", " + checked + " stored payload(s) upcast" : "") + ": "
                        + (findings.isEmpty() ? "compatible" : findings.size() + " incompatibilit" + (findings.size() == 1 ? "y" : "ies")));
                for (SchemaCompatibility.Finding f : findings) ctx.out.println("  " + TerminalText.escape(f.describe()));
            }
            return findings.isEmpty() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }

        /** Every stored (type, version) must be declared; a sample of each must upcast to the newest version. */
        private long checkStored(CliContext ctx, FeedRegistry feeds, SchemaCatalog catalog, List<SchemaCompatibility.Finding> findings)
                throws Exception {
            Upcasting upcasting = new Upcasting(catalog);
            long checked = 0;
            try (Connection c = ctx.dataSource().getConnection()) {
                for (String table : new TreeSet<>(feeds.eventTables())) {
                    List<Object[]> pairs = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT event_type, schema_version FROM " + table
                            + " ORDER BY 1, 2"); ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) pairs.add(new Object[] {rs.getString(1), rs.getInt(2)});
                    }
                    for (Object[] p : pairs) {
                        String type = (String) p[0];
                        int version = (Integer) p[1];
                        if (!catalog.declares(type)) continue;
                        if (catalog.version(type, version).isEmpty()) {
                            findings.add(new SchemaCompatibility.Finding(type, version, "stored-version-undeclared", null,
                                    table + " stores it; event_types declares 1 to " + catalog.latest(type)));
                            continue;
                        }
                        Upcasting.Upcast upcast = upcasting.to(type, catalog.latest(type));
                        try (PreparedStatement ps = c.prepareStatement("SELECT position, payload::text FROM " + table
                                + " WHERE event_type = ? AND schema_version = ? ORDER BY position DESC LIMIT ?")) {
                            ps.setString(1, type);
                            ps.setInt(2, version);
                            ps.setInt(3, sample);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    checked++;
                                    try {
                                        upcast.apply(version, JSON.readTree(rs.getString(2)));
                                    } catch (UpcastException e) {
                                        findings.add(new SchemaCompatibility.Finding(type, version, "stored-payload-fails", e.field(),
                                                table + " position " + rs.getLong(1) + ": " + e.getMessage()));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return checked;
        }
    }

    @Command(name = "catalog", mixinStandardHelpOptions = true,
            description = {"Print every event type: its schema versions (schema file, upcast steps), the feeds that produce it",
                    "and the destinations its events are routed to. Markdown, or --json. No database."})
    static final class Catalog extends CliCommand {

        @Option(names = "--json", description = "One JSON document instead of Markdown.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            FeedRegistry feeds = ctx.feeds();
            SchemaCatalog catalog = feeds.schemaCatalog();
            Map<String, Set<String>> sources = new LinkedHashMap<>(), destinations = new LinkedHashMap<>();
            for (String t : catalog.eventTypes()) {
                sources.put(t, new LinkedHashSet<>());
                destinations.put(t, new LinkedHashSet<>());
            }
            List<String> anyType = new ArrayList<>();
            for (Feed f : feeds.feeds()) produces(f.name(), f.mapping(), f.derived(), sources, destinations, anyType, catalog);
            for (MessageFeed f : feeds.messageFeeds()) produces(f.name(), f.mapping(), f.derived(), sources, destinations, anyType, catalog);
            ObjectNode doc = JSON.createObjectNode();
            doc.put("feedsFile", ctx.feedsLocation().toString());
            ArrayNode types = doc.putArray("eventTypes");
            for (String t : sources.keySet()) {
                ObjectNode o = types.addObject().put("eventType", t);
                ArrayNode versions = o.putArray("versions");
                for (SchemaVersion v : catalog.versions(t)) {
                    ObjectNode vo = versions.addObject().put("version", v.version()).put("schemaFile", v.schema().file().toString());
                    vo.set("schema", v.schema().node());
                    vo.set("upcastFromPrevious", JSON.valueToTree(v.upcast().stream().map(UpcastStep::describe).toList()));
                }
                o.set("sourceFeeds", JSON.valueToTree(sources.get(t)));
                o.set("destinations", JSON.valueToTree(destinations.get(t)));
            }
            doc.set("feedsOfAnyType", JSON.valueToTree(anyType));
            if (json) {
                ctx.out.println(JSON.writeValueAsString(doc));
                return ExitCodes.OK;
            }
            ctx.out.println("# Event types of " + ctx.feedsLocation());
            for (JsonNode o : types) {
                ctx.out.println();
                ctx.out.println("## " + o.get("eventType").asText());
                ctx.out.println();
                ctx.out.println("- Source feeds: " + list(o.get("sourceFeeds")));
                ctx.out.println("- Destinations: " + list(o.get("destinations")));
                if (o.get("versions").isEmpty()) ctx.out.println("- Versions: none declared in event_types (the mapping's schema_version is stored)");
                for (JsonNode v : o.get("versions")) {
                    ctx.out.println();
                    ctx.out.println("### Version " + v.get("version").asInt() + " (`" + Path.of(v.get("schemaFile").asText()).getFileName() + "`)");
                    if (!v.get("upcastFromPrevious").isEmpty()) ctx.out.println("\nUpcast from version " + (v.get("version").asInt() - 1)
                            + ": " + list(v.get("upcastFromPrevious")));
                    ctx.out.println();
                    ctx.out.println("```json");
                    ctx.out.println(JSON.writeValueAsString(v.get("schema")));
                    ctx.out.println("```");
                }
            }
            if (!anyType.isEmpty()) ctx.out.println("\nFeeds whose event types come from the data (any type): " + String.join(", ", anyType));
            return ExitCodes.OK;
        }

        private static String list(JsonNode array) {
            List<String> out = new ArrayList<>();
            array.forEach(n -> out.add("`" + n.asText() + "`"));
            return out.isEmpty() ? "none" : String.join(", ", out);
        }

        /** Adds the types a feed's mapping can produce (fixed, or translated by values; else any) and its routes. */
        private static void produces(String feed, MappingSpec mapping, List<DerivedRoute> routes, Map<String, Set<String>> sources,
                                     Map<String, Set<String>> destinations, List<String> anyType, SchemaCatalog catalog) {
            Set<String> types = new LinkedHashSet<>();
            if (mapping != null && mapping.eventType().fixed() != null) {
                types.add(mapping.eventType().fixed());
            } else if (mapping != null && !mapping.eventType().values().isEmpty()) {
                types.addAll(mapping.eventType().values().values());
            } else {
                anyType.add(feed);
                types.addAll(catalog.eventTypes()); // a CloudEvent's or a column's type may be any declared one
            }
            for (String t : types) {
                sources.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(feed);
                Set<String> d = destinations.computeIfAbsent(t, k -> new LinkedHashSet<>());
                for (DerivedRoute r : routes) {
                    if (r.kind() != DerivedRoute.Kind.SUMMARY && (r.eventTypes().isEmpty() || r.eventTypes().contains(t))) d.add(r.destination());
                }
            }
        }
    }
}
