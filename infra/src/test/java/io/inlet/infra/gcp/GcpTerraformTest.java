package io.inlet.infra.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.infra.gcp.TerraformConfiguration.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The GCP Terraform module (infra/gcp/modules/inlet), as HashiCorp's parser reads it. */
class GcpTerraformTest {

    private static TerraformConfiguration config;

    @BeforeAll
    static void parse() throws Exception {
        config = TerraformConfiguration.parse(TerraformConfiguration.moduleDirectory());
    }

    @Test
    void everyFileParses() {
        assertThat(config.fileNames()).containsExactly("arrivals.tf", "database.tf", "functions.tf", "iam.tf", "main.tf",
                "migrate.tf", "monitoring.tf", "outputs.tf", "pubsub.tf", "scheduler.tf", "storage.tf", "sweep.tf",
                "variables.tf", "versions.tf", "wake.tf");
    }

    @Test
    void everyResourceKeepsTheInvariants() {
        assertThat(TerraformInvariants.check(config)).isEmpty();
    }

    @Test
    void everySourceSubscriptionDeadLettersAfterTheConfiguredAttemptsAndRetriesWithBackoff() {
        List<String> withDeadLetter = new ArrayList<>();
        for (Resource subscription : config.resources("google_pubsub_subscription")) {
            JsonNode policy = subscription.block("dead_letter_policy");
            if (!policy.isMissingNode()) {
                withDeadLetter.add(subscription.name());
                assertThat(policy.path("max_delivery_attempts").asText()).isEqualTo("${var.max_delivery_attempts}");
            }
            assertThat(subscription.block("retry_policy").path("minimum_backoff").asText()).isEqualTo("${local.retry_minimum_backoff}");
        }
        assertThat(withDeadLetter).containsExactlyInAnyOrder("objects", "inbound", "destination", "relay_wake");
    }

    @Test
    void pushSubscriptionsWaitAsLongAsTheFunctionMayRunAndSignTheirCalls() {
        for (String name : List.of("objects", "inbound")) {
            Resource subscription = config.resource("google_pubsub_subscription", name);
            assertThat(subscription.text("ack_deadline_seconds")).isEqualTo("${var.function_timeout_seconds}");
            assertThat(subscription.block("push_config").path("oidc_token").get(0).path("service_account_email").asText())
                    .isEqualTo("${google_service_account.push_invoker.email}");
        }
    }

    @Test
    void orderedDestinationsAndInboundTopicsOrderTheirSubscriptions() {
        assertThat(config.resource("google_pubsub_subscription", "destination").text("enable_message_ordering"))
                .isEqualTo("${each.value.ordered}");
        assertThat(config.resource("google_pubsub_subscription", "inbound").text("enable_message_ordering"))
                .isEqualTo("${each.value.ordered}");
        assertThat(config.locals().path("function_environment").path("INLET_ORDERED_DESTINATIONS").asText())
                .isEqualTo("${join(\",\", [for d in var.destinations : d.name if d.ordered])}");
    }

    @Test
    void storageNotifiesPerFeedPrefixInTheJsonApiFormat() {
        Resource notification = config.resource("google_storage_notification", "vendor");

        assertThat(notification.text("payload_format")).isEqualTo("JSON_API_V1");
        assertThat(notification.text("object_name_prefix")).isEqualTo("${each.value.prefix}");
        assertThat(notification.body().path("event_types")).extracting(JsonNode::asText)
                .containsExactly("OBJECT_FINALIZE", "OBJECT_DELETE", "OBJECT_ARCHIVE");
    }

    @Test
    void ingestAccountReadsOnlyObjectsUnderTheFeedPrefixes() {
        Resource grant = config.resource("google_storage_bucket_iam_member", "ingest_reads_feed_prefix");

        assertThat(grant.text("role")).isEqualTo("roles/storage.objectViewer");
        assertThat(grant.block("condition").path("expression").asText())
                .isEqualTo("resource.name.startsWith(\"projects/_/buckets/${each.value.bucket}/objects/${each.value.prefix}\")");
    }

    @Test
    void ingestAccountReadsItsObjectsButWritesOnlyUnderTheReceiptsPrefix() {
        List<Resource> storageGrants = config.resources("google_storage_bucket_iam_member").stream()
                .filter(r -> r.text("member").contains("google_service_account.ingest")).toList();

        // (feeds_file_reader names its members through for_each: it grants objectViewer on one object)
        assertThat(storageGrants).extracting(Resource::name).containsExactlyInAnyOrder("ingest_reads_feed_prefix",
                "ingest_writes_receipts", "ingest_reads_partner_claim_checks", "ingest_lists_vendor_bucket");
        assertThat(config.resource("google_storage_bucket_iam_member", "feeds_file_reader").text("role"))
                .isEqualTo("roles/storage.objectViewer");
        // every grant but one only reads
        assertThat(storageGrants).filteredOn(r -> !r.name().equals("ingest_writes_receipts"))
                .extracting(r -> r.text("role")).containsOnly("roles/storage.objectViewer");
        // the one write: object creation, under the receipts prefix of a bucket that has one
        Resource write = config.resource("google_storage_bucket_iam_member", "ingest_writes_receipts");
        assertThat(write.text("role")).isEqualTo("roles/storage.objectUser"); // rewrites a receipt in place (reprocess)
        assertThat(write.text("for_each")).isEqualTo("${local.receipt_prefixes}");
        assertThat(write.block("condition").path("expression").asText())
                .isEqualTo("resource.name.startsWith(\"projects/_/buckets/${each.key}/objects/${each.value}\")");
        assertThat(config.locals().path("receipt_prefixes").asText())
                .isEqualTo("${{ for b in var.vendor_buckets : b.name => b.receipts_prefix if b.receipts_prefix != null }}");
        assertThat(config.variables().get("vendor_buckets").path("type").asText()).contains("receipts_prefix");
        // no other account may write a vendor bucket: the one object-user grant is the receipts prefix's
        assertThat(config.resources("google_storage_bucket_iam_member"))
                .filteredOn(r -> r.text("role").matches("roles/storage\\.(objectCreator|objectUser|objectAdmin|admin|legacy.*)"))
                .extracting(Resource::name).containsExactly("ingest_writes_receipts");
    }

    @Test
    void partnerClaimCheckBucketsAreAllowListedOnThePushFunctionAndOnlyReadable() {
        JsonNode variable = config.variables().get("claim_check_allowed_buckets");
        assertThat(variable.path("default").isArray()).isTrue();
        assertThat(variable.path("default")).isEmpty();
        Resource read = config.resource("google_storage_bucket_iam_member", "ingest_reads_partner_claim_checks");
        assertThat(read.text("role")).isEqualTo("roles/storage.objectViewer");
        assertThat(read.text("for_each")).isEqualTo("${toset(var.claim_check_allowed_buckets)}");
        assertThat(read.text("bucket")).isEqualTo("${each.value}");
        // the env var reaches the push function (inbound events) only
        assertThat(config.resource("google_cloudfunctions2_function", "push").block("service_config")
                .path("environment_variables").asText()).contains("local.push_environment");
        assertThat(config.locals().path("push_environment").asText())
                .contains("INLET_CLAIM_CHECK_ALLOWED_BUCKETS = join(\",\", var.claim_check_allowed_buckets)");
        for (String other : List.of("object", "relay", "sweep")) {
            assertThat(config.resource("google_cloudfunctions2_function", other).block("service_config")
                    .path("environment_variables").asText()).as(other).doesNotContain("push_environment")
                    .doesNotContain("CLAIM_CHECK_ALLOWED");
        }
    }

    @Test
    void ingestAccountMayListEachVendorBucketForFileSetMarkersButReadsNoObjectOutsideThePrefixes() {
        Resource list = config.resource("google_storage_bucket_iam_member", "ingest_lists_vendor_bucket");

        assertThat(list.text("member")).contains("google_service_account.ingest");
        assertThat(list.block("condition").path("expression").asText())
                .isEqualTo("resource.name == \"projects/_/buckets/${each.key}\"");
    }

    @Test
    void relayPublishesOnlyToTheDestinationTopics() {
        List<Resource> publisherGrants = config.resources("google_pubsub_topic_iam_member").stream()
                .filter(r -> r.text("member").contains("google_service_account.relay")).toList();

        assertThat(publisherGrants).extracting(Resource::name).containsExactly("relay_publishes_destination");
        assertThat(publisherGrants.get(0).text("topic")).isEqualTo("${google_pubsub_topic.destination[each.key].name}");
    }

    @Test
    void everyFunctionReadsItsRolesPasswordFromSecretManagerAndIsBoundedByTheConnectionBudget() {
        assertThat(config.resources("google_cloudfunctions2_function")).extracting(Resource::name)
                .containsExactlyInAnyOrder("push", "object", "relay", "sweep", "arrivals");
        for (Resource function : config.resources("google_cloudfunctions2_function")) {
            JsonNode service = function.block("service_config");
            JsonNode secret = service.path("secret_environment_variables").get(0);
            assertThat(secret.path("key").asText()).isEqualTo("INLET_DATABASE_PASSWORD");
            String role = function.name().equals("relay") ? "relay" : "ingest";
            assertThat(secret.path("secret").asText()).as(function.address())
                    .isEqualTo("${google_secret_manager_secret.login[\"" + role + "\"].secret_id}");
            assertThat(service.path("environment_variables").asText()).as(function.address())
                    .contains("INLET_DATABASE_USER = local.login_users[\"" + role + "\"]");
            assertThat(service.path("max_instance_count").asText()).isIn("${local.ingest_max_instances}", "1");
            assertThat(function.block("build_config").path("runtime").asText()).isEqualTo("java21");
        }
        assertThat(config.locals().path("ingest_max_instances").asText()).isEqualTo(
                "${floor((var.database_connections - 3) / max(1, local.ingest_function_count + local.object_function_count))}");
    }

    @Test
    void functionsRunTheDocumentedEntryPoints() {
        assertThat(config.resources("google_cloudfunctions2_function"))
                .extracting(f -> f.block("build_config").path("entry_point").asText())
                .containsExactlyInAnyOrder("io.inlet.gcp.PubSubPushFunction", "io.inlet.gcp.GcsObjectFunction", "io.inlet.gcp.OutboxRelayFunction",
                        "io.inlet.gcp.SweepFunction", "io.inlet.gcp.ArrivalCheckFunction");
    }

    @Test
    void ingestionsWakeTheRelayThroughAPushSubscriptionAndOnlyIngestAndRelayMayPublishWakes() {
        Resource subscription = config.resource("google_pubsub_subscription", "relay_wake");
        assertThat(subscription.text("topic")).isEqualTo("${google_pubsub_topic.relay_wake.id}");
        JsonNode push = subscription.block("push_config");
        assertThat(push.path("push_endpoint").asText()).isEqualTo("${google_cloudfunctions2_function.relay.service_config[0].uri}");
        assertThat(push.path("oidc_token").get(0).path("service_account_email").asText())
                .isEqualTo("${google_service_account.push_invoker.email}");
        assertThat(config.resource("google_cloud_run_service_iam_member", "push_invokes_relay").text("service"))
                .isEqualTo("${google_cloudfunctions2_function.relay.service_config[0].service}");

        List<Resource> wakeGrants = config.resources("google_pubsub_topic_iam_member").stream()
                .filter(r -> r.text("topic").equals("${google_pubsub_topic.relay_wake.name}")).toList();
        assertThat(wakeGrants).extracting(Resource::name).containsExactly("wakes_relay");
        assertThat(wakeGrants.get(0).text("role")).isEqualTo("roles/pubsub.publisher");
        assertThat(wakeGrants.get(0).block("for_each").toString()).contains("google_service_account.ingest.email")
                .contains("google_service_account.relay.email").doesNotContain("sweep").doesNotContain("scheduler");
        // every function is told the topic; the relay's one request at a time is what coalesces pushed wakes
        assertThat(config.locals().path("function_environment").toString()).contains("INLET_RELAY_WAKE_TOPIC");
        JsonNode relay = config.resource("google_cloudfunctions2_function", "relay").block("service_config");
        assertThat(relay.path("max_instance_count").asText()).isEqualTo("1");
        assertThat(relay.path("max_instance_request_concurrency").asText()).isEqualTo("1");
    }

    @Test
    void schedulerRunsTheRelayWithAnOidcIdentity() {
        Resource job = config.resource("google_cloud_scheduler_job", "relay");

        assertThat(job.text("schedule")).isEqualTo("${var.relay_schedule}");
        assertThat(job.block("http_target").path("oidc_token").get(0).path("service_account_email").asText())
                .isEqualTo("${google_service_account.scheduler.email}");
    }

    @Test
    void alertPoliciesMirrorTheAwsAlarms() {
        assertThat(config.resources("google_monitoring_alert_policy")).extracting(Resource::name).containsExactlyInAnyOrder(
                "dead_letters", "backlog_age", "function_errors", "function_throttles", "relay_not_running", "outbox_lag",
                "outbox_blocked", "sweep_missing_objects", "arrival_alerts");
        assertThat(config.resource("google_logging_metric", "outbox_lag").text("value_extractor"))
                .isEqualTo("EXTRACT(jsonPayload.value)");
    }

    @Test
    void aBlockedOutboxRowAlertsOnTheFieldTheRelayLogsAndTheAttemptLimitReachesTheRelay() {
        // the relay's metric lines (MetricLogExporter) name the meter outbox_blocked; the metric reads their value
        assertThat(config.resource("google_logging_metric", "outbox_blocked").text("value_extractor"))
                .isEqualTo("EXTRACT(jsonPayload.value)");
        assertThat(config.resource("google_logging_metric", "outbox_blocked").text("filter"))
                .contains("${var.name_prefix}-relay").contains("jsonPayload.metric=\"outbox_blocked\"");
        JsonNode condition = config.resource("google_monitoring_alert_policy", "outbox_blocked").block("conditions")
                .path("condition_threshold").get(0);
        assertThat(condition.path("filter").asText())
                .contains("logging.googleapis.com/user/${google_logging_metric.outbox_blocked.name}");
        assertThat(condition.path("comparison").asText()).isEqualTo("COMPARISON_GT");
        assertThat(condition.path("threshold_value").asDouble()).isEqualTo(0.5);
        assertThat(config.resource("google_cloudfunctions2_function", "relay").block("service_config")
                .path("environment_variables").asText()).contains("INLET_RELAY_MAX_ATTEMPTS = tostring(var.relay_max_attempts)");
    }

    @Test
    void theSweepRunsDailyListsTheFeedBucketsReadsOnlyFeedObjectsAndAlertsOnTheFieldItLogs() {
        assertThat(config.variables().get("sweep_schedule").path("default").asText()).isEqualTo("0 5 * * *");
        Resource job = config.resource("google_cloud_scheduler_job", "sweep");
        assertThat(job.text("schedule")).isEqualTo("${var.sweep_schedule}");
        assertThat(job.block("http_target").path("oidc_token").get(0).path("service_account_email").asText())
                .isEqualTo("${google_service_account.scheduler.email}");
        Resource grant = config.resource("google_storage_bucket_iam_member", "sweep_lists_feed_bucket");
        assertThat(grant.text("role")).isEqualTo("roles/storage.objectViewer");
        assertThat(grant.block("condition").path("expression").asText())
                .contains("resource.name == \\\"projects/_/buckets/${each.key}\\\"")
                .contains("resource.name.startsWith(\\\"projects/_/buckets/${each.key}/objects/${p}\\\")");
        // the sweep's account gets nothing else on storage, and no topic
        assertThat(config.resources("google_storage_bucket_iam_member").stream()
                .filter(r -> r.text("member").contains("google_service_account.sweep")).map(Resource::name))
                .containsExactlyInAnyOrder("sweep_lists_feed_bucket", "sweep_reads_feeds_file");
        assertThat(config.resources("google_pubsub_topic_iam_member"))
                .noneMatch(r -> r.text("member").contains("google_service_account.sweep"));
        // SweepFunction's metric lines name the meter sweep_missing_objects; the metric reads their value
        assertThat(config.resource("google_logging_metric", "sweep_missing_objects").text("value_extractor"))
                .isEqualTo("EXTRACT(jsonPayload.value)");
        assertThat(config.resource("google_logging_metric", "sweep_missing_objects").text("filter"))
                .contains("${var.name_prefix}-sweep").contains("jsonPayload.metric=\"sweep_missing_objects\"");
        JsonNode condition = config.resource("google_monitoring_alert_policy", "sweep_missing_objects").block("conditions")
                .path("condition_threshold").get(0);
        assertThat(condition.path("threshold_value").asDouble()).isEqualTo(0.5);
        assertThat(config.resource("google_cloudfunctions2_function", "sweep").block("service_config")
                .path("environment_variables").asText()).contains("INLET_SWEEP_LOOKBACK = var.sweep_lookback");
    }

    @Test
    void theArrivalCheckRunsEveryQuarterHourReadsNoVendorBucketAndAlertsOnTheFieldItLogs() {
        Resource job = config.resource("google_cloud_scheduler_job", "arrivals");
        assertThat(job.text("schedule")).isEqualTo("${var.arrival_check_schedule}");
        assertThat(config.variables().get("arrival_check_schedule").path("default").asText()).isEqualTo("*/15 * * * *");
        assertThat(job.block("http_target").path("oidc_token").get(0).path("service_account_email").asText())
                .isEqualTo("${google_service_account.scheduler.email}");
        assertThat(config.resources("google_storage_bucket_iam_member").stream()
                .filter(r -> r.text("member").contains("google_service_account.arrivals")).map(Resource::name))
                .containsExactly("arrivals_reads_feeds_file");
        // ArrivalCheckFunction logs its meters one line each (MetricLogExporter); the metric selects the
        // arrival_alerts line of the check's service and reads its value (functions-gcp's MetricLinesTest)
        assertThat(config.resource("google_logging_metric", "arrival_alerts").text("value_extractor"))
                .isEqualTo("EXTRACT(jsonPayload.value)");
        assertThat(config.resource("google_logging_metric", "arrival_alerts").text("filter"))
                .contains("${var.name_prefix}-arrivals").contains("jsonPayload.metric=\"arrival_alerts\"");
        assertThat(config.resource("google_monitoring_alert_policy", "arrival_alerts").block("conditions")
                .path("condition_threshold").get(0).path("threshold_value").asDouble()).isEqualTo(0.5);
    }

    @Test
    void everyFunctionExportsSpansToCloudTraceByDefaultAndItsAccountMayWriteSpansOnly() {
        assertThat(config.variables().get("tracing").path("default").asText()).isEqualTo("cloud-trace");
        JsonNode environment = config.locals().path("function_environment");
        assertThat(environment.path("INLET_TRACING").asText()).isEqualTo("${var.tracing}");
        assertThat(environment.path("GOOGLE_CLOUD_PROJECT").asText()).isEqualTo("${var.project_id}");
        assertThat(environment.path("INLET_TRACE_SAMPLE_RATIO").asText()).isEqualTo("${tostring(var.trace_sample_ratio)}");
        for (Resource function : config.resources("google_cloudfunctions2_function")) {
            String env = function.block("service_config").path("environment_variables").asText();
            if (env.isEmpty()) continue; // the Eventarc-only block shapes without a service config
            assertThat(env).as(function.address()).containsAnyOf("local.function_environment", "local.push_environment");
        }
        // the push function's environment is the common one plus the claim-check allow-list
        assertThat(config.locals().path("push_environment").asText()).contains("local.function_environment");
        // every function's account (the one its service_config runs as) holds roles/cloudtrace.agent, and that is all the role grants
        Resource grant = config.resource("google_project_iam_member", "trace_agent");
        assertThat(grant.text("role")).isEqualTo("roles/cloudtrace.agent");
        assertThat(grant.text("for_each")).contains("var.tracing == \"off\" ? {}");
        for (Resource function : config.resources("google_cloudfunctions2_function")) {
            String account = function.block("service_config").path("service_account_email").asText();
            String name = account.replace("${google_service_account.", "").replace(".email}", "");
            assertThat(grant.text("for_each")).as(function.address()).contains(name + " ");
        }
        assertThat(config.resource("google_project_service", "required").text("for_each")).contains("cloudtrace.googleapis.com");
    }

    @Test
    void everyVariableIsDescribedAndTypedAndEveryNumberIsValidated() {
        Map<String, JsonNode> variables = config.variables();

        assertThat(variables).hasSizeGreaterThan(30);
        variables.forEach((name, variable) -> {
            assertThat(variable.path("description").asText("")).as(name).isNotBlank();
            assertThat(variable.path("type").asText("")).as(name).isNotBlank();
            if (variable.path("type").asText().equals("${number}")) {
                assertThat(variable.path("validation").isArray()).as(name + " has a validation block").isTrue();
            }
        });
    }

    @Test
    void terraformFmtFindsNothingToChange() throws IOException, InterruptedException {
        Path terraform = TerraformExampleTest.terraformBinary();
        assumeTrue(terraform != null, "no terraform on PATH: fmt check skipped");

        Process process = new ProcessBuilder(terraform.toString(), "fmt", "-check", "-recursive", "-diff",
                TerraformConfiguration.gcpDirectory().toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
