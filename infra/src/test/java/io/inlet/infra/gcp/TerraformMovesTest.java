package io.inlet.infra.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module's {@code moved} blocks carry a deployment made before the functions shared one resource
 * into it: a plan after the upgrade moves every function and creates or destroys none. Proven with
 * terraform itself on a twin of the addresses made of {@code terraform_data} (built into terraform, so
 * no provider and no registry are needed): the old addresses are applied to a local state, then the
 * new resource and the module's own moved blocks are planned against it.
 */
class TerraformMovesTest {

    private static final String TYPE = "google_cloudfunctions2_function";
    private static final List<String> VENDOR_BUCKETS = List.of("vendor-a", "vendor-b");

    /** The function addresses of a deployment from before: push by count, the object functions by bucket, the others single. */
    private static final String BEFORE = """
            resource "terraform_data" "push" {
              count = 1
              input = "push"
            }
            resource "terraform_data" "object" {
              for_each = toset(%s)
              input    = each.key
            }
            resource "terraform_data" "relay" {
              input = "relay"
            }
            resource "terraform_data" "sweep" {
              input = "sweep"
            }
            resource "terraform_data" "arrivals" {
              input = "arrivals"
            }
            """;

    @Test
    void aDeploymentFromBeforeTheSharedFunctionResourcePlansMovesAndNoReplacement(@TempDir Path dir) throws Exception {
        Path terraform = TerraformExampleTest.terraformBinary();
        assumeTrue(terraform != null, "no terraform on PATH: the moves check is skipped");
        TerraformConfiguration module = TerraformConfiguration.parse(TerraformConfiguration.moduleDirectory());
        Path main = dir.resolve("main.tf");

        Files.writeString(main, BEFORE.formatted(hclList(VENDOR_BUCKETS)));
        run(terraform, dir, "init", "-input=false", "-no-color");
        run(terraform, dir, "apply", "-auto-approve", "-input=false", "-no-color");

        List<String> keys = new ArrayList<>();
        module.locals().path("function_definitions").fieldNames().forEachRemaining(keys::add);
        keys.addAll(VENDOR_BUCKETS);
        StringBuilder after = new StringBuilder("""
                resource "terraform_data" "function" {
                  for_each = toset(%s)
                  input    = each.key
                }
                """.formatted(hclList(keys)));
        for (JsonNode moved : module.blocks("moved")) {
            after.append("moved {\n  from = ").append(twin(moved.path("from").asText()))
                    .append("\n  to   = ").append(twin(moved.path("to").asText())).append("\n}\n");
        }
        Files.writeString(main, after.toString());
        String plan = run(terraform, dir, "plan", "-input=false", "-no-color");

        assertThat(plan).as(after.toString()).contains("Plan: 0 to add, 0 to change, 0 to destroy.");
        assertThat(plan).contains("terraform_data.push[0] has moved to terraform_data.function[\"push\"]",
                "terraform_data.relay has moved to terraform_data.function[\"relay\"]",
                "terraform_data.sweep has moved to terraform_data.function[\"sweep\"]",
                "terraform_data.arrivals has moved to terraform_data.function[\"arrivals\"]",
                "terraform_data.object[\"vendor-a\"] has moved to terraform_data.function[\"vendor-a\"]",
                "terraform_data.object[\"vendor-b\"] has moved to terraform_data.function[\"vendor-b\"]");
    }

    /** "${google_cloudfunctions2_function.push[0]}" as the twin's address: terraform_data.push[0]. */
    private static String twin(String expression) {
        String address = expression.replaceAll("^\\$\\{|}$", "");
        assertThat(address).startsWith(TYPE + ".");
        return "terraform_data." + address.substring(TYPE.length() + 1);
    }

    private static String hclList(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    private static String run(Path terraform, Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(terraform.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TF_IN_AUTOMATION", "1");
        builder.environment().put("CHECKPOINT_DISABLE", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("terraform " + args[0] + " finished").isTrue();
        assertThat(process.exitValue()).as("terraform " + String.join(" ", args) + "\n" + output).isZero();
        return output;
    }
}
