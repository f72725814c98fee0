package io.inlet.infra.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Terraform layout: a module with no provider configuration (infra/gcp/modules/inlet) and a root
 * configuration that configures google 7.x and calls it (infra/gcp/examples/basic), with a GCS backend
 * example and a committed lock file; {@code terraform validate} where the registry is reachable.
 */
class TerraformExampleTest {

    static final String REGISTRY = "registry.terraform.io";

    private static TerraformConfiguration module;
    private static TerraformConfiguration example;

    @BeforeAll
    static void parse() throws Exception {
        module = TerraformConfiguration.parse(TerraformConfiguration.moduleDirectory());
        example = TerraformConfiguration.parse(TerraformConfiguration.exampleDirectory());
    }

    @Test
    void theModuleConfiguresNoProviderAndIsWrittenForGoogle7() throws Exception {
        assertThat(module.blocks("provider")).as("provider blocks in modules/inlet").isEmpty();
        assertThat(module.blocks("backend")).isEmpty();
        TerraformConfiguration stream = TerraformConfiguration.parse(TerraformConfiguration.streamModuleDirectory());
        assertThat(stream.blocks("provider")).as("provider blocks in modules/inlet/stream").isEmpty();
        assertThat(requiredProviders(stream).path("google").path("version").asText()).isEqualTo(">= 7.0, < 8.0");
        JsonNode providers = requiredProviders(module);
        assertThat(providers.path("google").path("source").asText()).isEqualTo("hashicorp/google");
        assertThat(providers.path("google").path("version").asText()).isEqualTo(">= 7.0, < 8.0");
        providers.properties().forEach(p -> assertThat(p.getValue().path("version").asText()).as(p.getKey()).isNotBlank());
    }

    @Test
    void theExampleConfiguresGoogle7AndCallsTheModuleWithEveryInputThatHasNoDefault() {
        assertThat(example.blocks("provider")).singleElement()
                .satisfies(p -> assertThat(p.has("google")).as("provider \"google\"").isTrue());
        assertThat(requiredProviders(example).path("google").path("version").asText()).isEqualTo("~> 7.0");

        List<JsonNode> calls = example.blocks("module");
        assertThat(calls).hasSize(1);
        JsonNode call = calls.get(0).path("inlet").get(0);
        assertThat(call.path("source").asText()).isEqualTo("../../modules/inlet");
        List<String> required = module.variables().entrySet().stream()
                .filter(v -> !v.getValue().has("default")).map(java.util.Map.Entry::getKey).toList();
        assertThat(required).contains("project_id", "vendor_buckets", "functions_jar");
        assertThat(required).allSatisfy(name -> assertThat(call.has(name)).as("module input " + name).isTrue());
        // every input the example passes exists in the module
        call.fieldNames().forEachRemaining(name -> {
            if (!name.equals("source")) {
                assertThat(module.variables()).as("module variable " + name).containsKey(name);
            }
        });
        // the default artefact path is the build's output, from the example's own directory
        assertThat(call.path("functions_jar").asText())
                .contains("${path.root}/../../../../functions-gcp/target/deploy/inlet-functions-gcp.jar");
        assertThat(TerraformConfiguration.exampleDirectory().resolve("../../../../functions-gcp").normalize())
                .isEqualTo(TerraformConfiguration.gcpDirectory().resolve("../../functions-gcp").normalize());
    }

    /**
     * Cloud Functions runs the jar without extracting it and ships no other file: the default feeds
     * location must be the resource the build bundles (-Dinlet.feeds), not a path (issue 14.2).
     */
    @Test
    void theFeedsLocationDefaultsToTheFeedsFileBundledInTheJarAndRefusesAPath() {
        for (TerraformConfiguration config : List.of(module, example)) {
            assertThat(config.variables().get("feeds_location").path("default").asText()).isEqualTo("classpath:feeds.yaml");
        }
        String condition = module.variables().get("feeds_location").path("validation").get(0).path("condition").asText();
        assertThat(condition).contains("^gs://").contains("^classpath:").doesNotContain("!strcontains");
        assertThat(module.locals().path("function_environment").path("INLET_FEEDS").asText()).isEqualTo("${var.feeds_location}");
    }

    @Test
    void theGcsBackendExampleParsesAsABackendBlock(@TempDir Path dir) throws Exception {
        Files.copy(TerraformConfiguration.exampleDirectory().resolve("backend.tf.example"), dir.resolve("backend.tf"));

        JsonNode terraform = TerraformConfiguration.parse(dir).blocks("terraform").get(0);
        JsonNode gcs = terraform.path("backend").path("gcs").get(0);
        assertThat(gcs.path("bucket").asText()).isNotBlank();
        assertThat(gcs.path("prefix").asText()).isNotBlank();
    }

    @Test
    void theLockFileIsCommittedNotIgnoredAndPinsGoogle7WhenPresent() throws IOException {
        List<String> ignored = Files.readAllLines(TerraformConfiguration.gcpDirectory().resolve(".gitignore"));
        assertThat(ignored).doesNotContain(".terraform.lock.hcl", "*.lock.hcl");
        Path lock = TerraformConfiguration.exampleDirectory().resolve(".terraform.lock.hcl");
        if (Files.exists(lock)) {
            assertThat(Files.readString(lock)).contains("provider \"registry.terraform.io/hashicorp/google\"")
                    .containsPattern("version\\s+=\\s+\"7\\.");
        }
    }

    /**
     * {@code terraform init -backend=false} and {@code terraform validate} on a copy of infra/gcp: the
     * providers' schemas check every attribute. Needs the terraform binary and the registry; where
     * either is missing the test is skipped with the reason.
     */
    @Test
    void terraformValidateAcceptsTheExampleAndTheModule(@TempDir Path dir) throws Exception {
        Path terraform = terraformBinary();
        assumeTrue(terraform != null, "no terraform on PATH: terraform validate skipped");
        assumeTrue(reachable(REGISTRY), REGISTRY + " is not reachable from here: terraform validate skipped "
                + "(run `terraform -chdir=infra/gcp/examples/basic init -backend=false && terraform validate` where it is)");
        copy(TerraformConfiguration.gcpDirectory(), dir);
        Path root = dir.resolve("examples/basic");

        String init = run(terraform, root, "init", "-backend=false", "-input=false", "-no-color");
        String validate = run(terraform, root, "validate", "-no-color");

        assertThat(validate).as(init).contains("Success");
    }

    static Path terraformBinary() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry, "terraform");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean reachable(String host) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, 443), 3000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode requiredProviders(TerraformConfiguration config) {
        return config.blocks("terraform").stream()
                .map(t -> t.path("required_providers"))
                .filter(JsonNode::isArray)
                .findFirst().orElseThrow(() -> new AssertionError("no required_providers block"))
                .get(0);
    }

    private static String run(Path terraform, Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(terraform.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("terraform " + args[0] + " finished").isTrue();
        assertThat(process.exitValue()).as("terraform " + String.join(" ", args) + "\n" + output).isZero();
        return output;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.filter(p -> !from.relativize(p).toString().contains(".terraform/")).forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
