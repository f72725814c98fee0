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
 * The module's {@code moved} blocks carry a deployment made before resources were shared (every function
 * in one resource, every scheduled check's findings metric and alert in one each, the functions' error
 * and throttle alerts in one, the files and records counters in one, every kind of Pub/Sub stream in the
 * stream module) into the shared ones: a
 * plan after the upgrade moves them and creates or destroys nothing. Proven with terraform itself on a
 * twin of the addresses made of {@code terraform_data} (built into terraform, so no provider and no
 * registry are needed; {@code T.name} becomes {@code terraform_data.T__name}): the old addresses are
 * applied to a local state, then the shared resources and the module's own moved blocks are planned against it.
 */
class TerraformMovesTest {

    private static final List<String> VENDOR_BUCKETS = List.of("vendor-a", "vendor-b");

    /** The addresses of a deployment from before, as its state holds them. */
    private static final String BEFORE = """
            resource "terraform_data" "google_cloudfunctions2_function__push" {
              count = 1
              input = "push"
            }
            resource "terraform_data" "google_cloudfunctions2_function__object" {
              for_each = toset(%s)
              input    = each.key
            }
            resource "terraform_data" "google_cloudfunctions2_function__relay" {
              input = "relay"
            }
            resource "terraform_data" "google_cloudfunctions2_function__sweep" {
              input = "sweep"
            }
            resource "terraform_data" "google_cloudfunctions2_function__arrivals" {
              input = "arrivals"
            }
            resource "terraform_data" "google_logging_metric__sweep_missing_objects" {
              input = "sweep_missing_objects"
            }
            resource "terraform_data" "google_monitoring_alert_policy__sweep_missing_objects" {
              input = "sweep_missing_objects"
            }
            resource "terraform_data" "google_logging_metric__arrival_alerts" {
              input = "arrival_alerts"
            }
            resource "terraform_data" "google_monitoring_alert_policy__arrival_alerts" {
              input = "arrival_alerts"
            }
            resource "terraform_data" "google_monitoring_alert_policy__function_errors" {
              input = "function_errors"
            }
            resource "terraform_data" "google_monitoring_alert_policy__function_throttles" {
              input = "function_throttles"
            }
            resource "terraform_data" "google_logging_metric__files" {
              input = "files"
            }
            resource "terraform_data" "google_logging_metric__records" {
              input = "records"
            }
            %s""";

    /** A kind of stream of a deployment from before: each of its six resources by count (objects) or by name. */
    private static final String STREAM_BEFORE = """
            resource "terraform_data" "google_pubsub_topic__%1$s" {
              %2$s
            }
            resource "terraform_data" "google_pubsub_topic__%1$s_dead_letter" {
              %2$s
            }
            resource "terraform_data" "google_pubsub_subscription__%1$s" {
              %2$s
            }
            resource "terraform_data" "google_pubsub_subscription__%1$s_dead_letter" {
              %2$s
            }
            resource "terraform_data" "google_pubsub_topic_iam_member__%1$s_dead_letter_publisher" {
              %2$s
            }
            resource "terraform_data" "google_pubsub_subscription_iam_member__%1$s_dead_letter_subscriber" {
              %2$s
            }
            """;

    /** The stream module's twin: its six resources, one instance per stream key. */
    private static final String STREAM_MODULE = """
            variable "keys" {
              type = list(string)
            }
            resource "terraform_data" "google_pubsub_topic__source" {
              for_each = toset(var.keys)
              input    = each.key
            }
            resource "terraform_data" "google_pubsub_topic__dead_letter" {
              for_each = toset(var.keys)
              input    = each.key
            }
            resource "terraform_data" "google_pubsub_subscription__source" {
              for_each = toset(var.keys)
              input    = each.key
            }
            resource "terraform_data" "google_pubsub_subscription__dead_letter" {
              for_each = toset(var.keys)
              input    = each.key
            }
            resource "terraform_data" "google_pubsub_topic_iam_member__dead_letter_publisher" {
              for_each = toset(var.keys)
              input    = each.key
            }
            resource "terraform_data" "google_pubsub_subscription_iam_member__dead_letter_subscriber" {
              for_each = toset(var.keys)
              input    = each.key
            }
            """;

    // an inbound topic and a destination of the same name: each kind keeps its own
    private static final List<String> INBOUND = List.of("orders", "payments");
    private static final List<String> DESTINATIONS = List.of("orders", "shipments");

    @Test
    void aDeploymentFromBeforeTheSharedResourcesPlansMovesAndNoReplacement(@TempDir Path dir) throws Exception {
        Path terraform = TerraformExampleTest.terraformBinary();
        assumeTrue(terraform != null, "no terraform on PATH: the moves check is skipped");
        TerraformConfiguration module = TerraformConfiguration.parse(TerraformConfiguration.moduleDirectory());
        Path main = dir.resolve("main.tf");

        Files.writeString(main, BEFORE.formatted(hclList(VENDOR_BUCKETS),
                STREAM_BEFORE.formatted("objects", "count = 1\ninput = \"objects\"")
                        + STREAM_BEFORE.formatted("inbound", "for_each = toset(" + hclList(INBOUND) + ")\ninput = each.key")
                        + STREAM_BEFORE.formatted("destination", "for_each = toset(" + hclList(DESTINATIONS) + ")\ninput = each.key")));
        run(terraform, dir, "init", "-input=false", "-no-color");
        run(terraform, dir, "apply", "-auto-approve", "-input=false", "-no-color");
        long instances = run(terraform, dir, "state", "list").lines().filter(l -> l.startsWith("terraform_data.")).count();

        List<String> functions = new ArrayList<>();
        module.locals().path("function_definitions").fieldNames().forEachRemaining(functions::add);
        functions.addAll(VENDOR_BUCKETS);
        List<String> findings = new ArrayList<>();
        module.locals().path("check_findings").fieldNames().forEachRemaining(findings::add);
        StringBuilder after = new StringBuilder()
                .append(shared("google_cloudfunctions2_function__function", functions))
                .append(shared("google_logging_metric__check_findings", findings))
                .append(shared("google_monitoring_alert_policy__check_findings", findings))
                .append(shared("google_monitoring_alert_policy__function_responses", List.of("function_errors", "function_throttles")))
                .append(shared("google_logging_metric__feed_counters", List.of("files", "records")));
        Files.createDirectories(dir.resolve("stream"));
        Files.writeString(dir.resolve("stream/main.tf"), STREAM_MODULE);
        after.append(streams("objects", List.of("objects"))).append(streams("inbound", INBOUND))
                .append(streams("destinations", DESTINATIONS));
        for (JsonNode moved : module.blocks("moved")) {
            after.append("moved {\n  from = ").append(twin(moved.path("from").asText()))
                    .append("\n  to   = ").append(twin(moved.path("to").asText())).append("\n}\n");
        }
        Files.writeString(main, after.toString());
        run(terraform, dir, "init", "-input=false", "-no-color");
        String plan = run(terraform, dir, "plan", "-input=false", "-no-color");

        assertThat(plan).as(after.toString()).contains("Plan: 0 to add, 0 to change, 0 to destroy.");
        String function = "terraform_data.google_cloudfunctions2_function__";
        assertThat(plan).contains(function + "push[0] has moved to " + function + "function[\"push\"]",
                function + "relay has moved to " + function + "function[\"relay\"]",
                function + "sweep has moved to " + function + "function[\"sweep\"]",
                function + "arrivals has moved to " + function + "function[\"arrivals\"]",
                function + "object[\"vendor-a\"] has moved to " + function + "function[\"vendor-a\"]",
                function + "object[\"vendor-b\"] has moved to " + function + "function[\"vendor-b\"]");
        for (String type : List.of("google_logging_metric__", "google_monitoring_alert_policy__")) {
            for (String meter : findings) {
                assertThat(plan).contains("terraform_data." + type + meter + " has moved to terraform_data." + type
                        + "check_findings[\"" + meter + "\"]");
            }
        }
        String topic = "terraform_data.google_pubsub_topic__";
        String subscription = "terraform_data.google_pubsub_subscription__";
        assertThat(plan).contains(topic + "objects[0] has moved to module.objects." + topic + "source[\"objects\"]",
                "terraform_data.google_pubsub_subscription_iam_member__objects_dead_letter_subscriber[0] has moved to module.objects."
                        + "terraform_data.google_pubsub_subscription_iam_member__dead_letter_subscriber[\"objects\"]",
                topic + "inbound[\"orders\"] has moved to module.inbound." + topic + "source[\"orders\"]",
                topic + "destination[\"orders\"] has moved to module.destinations." + topic + "source[\"orders\"]",
                subscription + "destination_dead_letter[\"shipments\"] has moved to module.destinations." + subscription
                        + "dead_letter[\"shipments\"]",
                "terraform_data.google_pubsub_topic_iam_member__inbound_dead_letter_publisher[\"payments\"] has moved to module.inbound."
                        + "terraform_data.google_pubsub_topic_iam_member__dead_letter_publisher[\"payments\"]");
        // every instance of the old state moves
        assertThat(plan.lines().filter(l -> l.contains(" has moved to ")).count()).isEqualTo(instances).isEqualTo(6 + 2 * 2 + 2 + 2 + 6 * (1 + 2 + 2));
        for (String counter : List.of("files", "records")) {
            assertThat(plan).contains("terraform_data.google_logging_metric__" + counter + " has moved to "
                    + "terraform_data.google_logging_metric__feed_counters[\"" + counter + "\"]");
        }
        for (String policy : List.of("function_errors", "function_throttles")) {
            assertThat(plan).contains("terraform_data.google_monitoring_alert_policy__" + policy + " has moved to "
                    + "terraform_data.google_monitoring_alert_policy__function_responses[\"" + policy + "\"]");
        }
    }

    private static String streams(String kind, List<String> keys) {
        return """
                module "%s" {
                  source = "./stream"
                  keys   = %s
                }
                """.formatted(kind, hclList(keys));
    }

    private static String shared(String name, List<String> keys) {
        return """
                resource "terraform_data" "%s" {
                  for_each = toset(%s)
                  input    = each.key
                }
                """.formatted(name, hclList(keys));
    }

    /**
     * "${google_cloudfunctions2_function.push[0]}" as the twin's address, terraform_data.google_cloudfunctions2_function__push[0];
     * in a module, "${module.objects.google_pubsub_topic.source}": module.objects.terraform_data.google_pubsub_topic__source.
     */
    private static String twin(String expression) {
        String address = expression.replaceAll("^\\$\\{|}$", "");
        String module = "";
        java.util.regex.Matcher call = java.util.regex.Pattern.compile("^(module\\.[a-z_]+\\.)(.*)$").matcher(address);
        if (call.matches()) {
            module = call.group(1);
            address = call.group(2);
        }
        int dot = address.indexOf('.');
        assertThat(dot).as(address).isPositive();
        return module + "terraform_data." + address.substring(0, dot) + "__" + address.substring(dot + 1);
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
