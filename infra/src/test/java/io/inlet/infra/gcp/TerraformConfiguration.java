package io.inlet.infra.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Terraform configuration directory parsed by HashiCorp's own HCL parser (@cdktf/hcl2json, run on
 * Node). Expressions stay as written ({@code "${var.x}"}), blocks are always lists: what the tests
 * read is what Terraform would read, not an evaluation of it.
 */
final class TerraformConfiguration {

    /** One {@code resource "type" "name"} block. */
    record Resource(String type, String name, JsonNode body) {
        String address() {
            return type + "." + name;
        }

        /** The first (usually only) nested block of that name, or a missing node. */
        JsonNode block(String blockName) {
            JsonNode blocks = body.path(blockName);
            return blocks.isArray() && !blocks.isEmpty() ? blocks.get(0) : blocks;
        }

        String text(String attribute) {
            return body.path(attribute).asText(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, JsonNode> files;

    private TerraformConfiguration(Map<String, JsonNode> files) {
        this.files = files;
    }

    /** Parses every *.tf file of the directory; a syntax error fails with the file and the parser's message. */
    static TerraformConfiguration parse(Path directory) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("inlet.infra.hcl2json", "src/test/node/hcl2json.js"));
        Process process = new ProcessBuilder("node", script.toString(), directory.toString())
                .redirectErrorStream(false)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("hcl2json failed on " + directory + ": " + err);
        }
        Map<String, JsonNode> files = new LinkedHashMap<>();
        JsonNode root = JSON.readTree(out);
        root.properties().forEach(e -> files.put(e.getKey(), e.getValue()));
        return new TerraformConfiguration(files);
    }

    /** infra/gcp: the module and its examples. */
    static Path gcpDirectory() {
        return Path.of(System.getProperty("inlet.infra.gcp.dir", "gcp"));
    }

    /** The reusable module: every resource, no provider configuration. */
    static Path moduleDirectory() {
        return gcpDirectory().resolve("modules/inlet");
    }

    /** The module's stream submodule (topics, subscriptions and dead-lettering), which pubsub.tf calls once per kind. */
    static Path streamModuleDirectory() {
        return moduleDirectory().resolve("stream");
    }

    /** The root configuration that configures the provider and calls the module. */
    static Path exampleDirectory() {
        return gcpDirectory().resolve("examples/basic");
    }

    /** Every top-level block of that kind ({@code provider}, {@code module}, {@code terraform}, ...) of every file. */
    List<JsonNode> blocks(String kind) {
        List<JsonNode> out = new ArrayList<>();
        files.values().forEach(file -> {
            JsonNode blocks = file.path(kind);
            if (blocks.isArray()) {
                blocks.forEach(out::add);
            } else if (!blocks.isMissingNode()) {
                out.add(blocks);
            }
        });
        return out;
    }

    /** The arguments of the {@code module "name"} call. */
    JsonNode moduleCall(String name) {
        return blocks("module").stream().map(m -> m.path(name)).filter(JsonNode::isArray).findFirst()
                .orElseThrow(() -> new AssertionError("no module " + name)).get(0);
    }

    List<String> fileNames() {
        return List.copyOf(files.keySet());
    }

    /** Every resource of every file, in file order. */
    List<Resource> resources() {
        List<Resource> out = new ArrayList<>();
        files.values().forEach(file -> file.path("resource").properties().forEach(type ->
                type.getValue().properties().forEach(named -> {
                    for (JsonNode body : named.getValue()) {
                        out.add(new Resource(type.getKey(), named.getKey(), body));
                    }
                })));
        return out;
    }

    List<Resource> resources(String type) {
        return resources().stream().filter(r -> r.type().equals(type)).toList();
    }

    Resource resource(String type, String name) {
        return resources(type).stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no resource " + type + "." + name));
    }

    /** Every {@code variable} block by name. */
    Map<String, JsonNode> variables() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        files.values().forEach(file -> file.path("variable").properties().forEach(v -> out.put(v.getKey(), v.getValue().get(0))));
        return out;
    }

    /** All {@code locals} blocks merged into one object. */
    JsonNode locals() {
        com.fasterxml.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
        files.values().forEach(file -> file.path("locals").forEach(block -> out.setAll((com.fasterxml.jackson.databind.node.ObjectNode) block)));
        return out;
    }

    /**
     * What each function is (functions.tf): the roles' definitions by role (local.function_definitions),
     * and under "object" the one every Eventarc object function is cut from (local.object_function). The
     * one {@code google_cloudfunctions2_function.function} resource makes a function of each.
     */
    Map<String, JsonNode> functionDefinitions() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        locals().path("function_definitions").properties().forEach(d -> out.put(d.getKey(), d.getValue()));
        if (locals().has("object_function")) {
            out.put("object", locals().path("object_function"));
        }
        return out;
    }

    /** Every string anywhere inside a node, for checks like "no primitive role anywhere". */
    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        }
        Iterator<JsonNode> children = node.elements();
        children.forEachRemaining(child -> collect(child, out));
    }
}
