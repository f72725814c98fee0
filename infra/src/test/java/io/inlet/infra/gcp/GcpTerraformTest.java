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
    private static TerraformConfiguration stream;

    @BeforeAll
    static void parse() throws Exception {
        config = TerraformConfiguration.parse(TerraformConfiguration.moduleDirectory());
        stream = TerraformConfiguration.parse(TerraformConfiguration.streamModuleDirectory());
    }

    @Test
    void everyFileParses() {
        assertThat(config.fileNames()).containsExactly("arrivals.tf", "database.tf", "functions.tf", "iam.tf", "main.tf",
                "migrate.tf", "monitoring.tf", "outputs.tf", "pubsub.tf", "scheduler.tf", "storage.tf", "sweep.tf",
                "variables.tf", "versions.tf", "wake.tf");
        assertThat(stream.fileNames()).containsExactly("main.tf", "versions.tf");
    }

    @Test
    void everyResourceKeepsTheInvariants() {
        assertThat(TerraformInvariants.check(config)).isEmpty();
        assertThat(TerraformInvariants.check(stream)).isEmpty();
    }

    /** Every kind of stream (objects, inbound, destinations, the relay's wakes) is made by the stream module, with the deployment's settings. */
    @Test
    void everySourceSubscriptionDeadLettersAfterTheConfiguredAttemptsAndRetriesWithBackoff() {
        assertThat(config.resources("google_pubsub_subscription")).as("subscriptions outside the stream module").isEmpty();
        for (String kind : List.of("objects", "inbound", "destinations", "wake")) {
            JsonNode call = config.moduleCall(kind);
            assertThat(call.path("source").asText()).as(kind).isEqualTo("./stream");
            assertThat(call.path("settings").asText()).as(kind).isEqualTo("${local.stream_settings}");
        }
        JsonNode settings = config.locals().path("stream_settings");
        assertThat(settings.path("max_delivery_attempts").asText()).isEqualTo("${var.max_delivery_attempts}");
        assertThat(settings.path("minimum_backoff").asText()).isEqualTo("${local.retry_minimum_backoff}");
        assertThat(settings.path("maximum_backoff").asText()).isEqualTo("${local.retry_maximum_backoff}");
        List<String> withDeadLetter = new ArrayList<>();
        for (Resource subscription : stream.resources("google_pubsub_subscription")) {
            JsonNode policy = subscription.block("dead_letter_policy");
            if (!policy.isMissingNode()) {
                withDeadLetter.add(subscription.name());
                assertThat(policy.path("max_delivery_attempts").asText()).isEqualTo("${var.settings.max_delivery_attempts}");
            }
            assertThat(subscription.block("retry_policy").path("minimum_backoff").asText()).isEqualTo("${var.settings.minimum_backoff}");
        }
        assertThat(withDeadLetter).containsExactly("source");
    }

    @Test
    void pushSubscriptionsWaitAsLongAsTheFunctionMayRunAndSignTheirCalls() {
        for (String kind : List.of("objects", "inbound")) {
            JsonNode call = config.moduleCall(kind);
            assertThat(call.path("ack_deadline_seconds").asText()).as(kind).isEqualTo("${var.function_timeout_seconds}");
            assertThat(call.path("push").asText()).as(kind).isEqualTo("${local.push_to_function}");
        }
        assertThat(config.moduleCall("destinations").has("push")).as("destinations are pulled by their consumers").isFalse();
        assertThat(config.locals().path("push_to_function").asText())
                .contains("service_account_email = google_service_account.push_invoker.email")
                .contains("endpoint              = google_cloudfunctions2_function.function[\"push\"].service_config[0].uri");
        Resource subscription = stream.resource("google_pubsub_subscription", "source");
        assertThat(subscription.text("ack_deadline_seconds")).isEqualTo("${var.ack_deadline_seconds}");
        JsonNode push = subscription.body().path("dynamic").path("push_config").get(0);
        assertThat(push.path("for_each").asText()).isEqualTo("${var.push == null ? [] : [var.push]}");
        assertThat(push.path("content").get(0).path("oidc_token").get(0).path("service_account_email").asText())
                .isEqualTo("${push_config.value.service_account_email}");
    }

    @Test
    void orderedDestinationsAndInboundTopicsOrderTheirSubscriptions() {
        assertThat(stream.resource("google_pubsub_subscription", "source").text("enable_message_ordering"))
                .isEqualTo("${each.value.ordered}");
        assertThat(config.moduleCall("destinations").path("streams").asText()).containsPattern("ordered\\s+= d\\.ordered");
        assertThat(config.moduleCall("inbound").path("streams").asText()).containsPattern("ordered\\s+= t\\.ordered");
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
        Map<String, JsonNode> functions = config.functionDefinitions();
        assertThat(functions.get("push").path("environment").asText()).contains("local.push_environment");
        assertThat(config.locals().path("push_environment").asText())
                .contains("INLET_CLAIM_CHECK_ALLOWED_BUCKETS = join(\",\", var.claim_check_allowed_buckets)");
        for (String other : List.of("object", "relay", "sweep", "arrivals")) {
            assertThat(functions.get(other).path("environment").asText()).as(other).doesNotContain("push_environment")
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
        assertThat(publisherGrants.get(0).text("topic")).isEqualTo("${module.destinations.topics[each.key].name}");
        assertThat(publisherGrants.get(0).text("for_each")).isEqualTo("${local.destinations}");
        assertThat(stream.resources("google_pubsub_topic_iam_member")).extracting(r -> r.text("member"))
                .containsOnly("serviceAccount:${var.settings.pubsub_service_agent}");
    }

    /** One resource makes every function from its definition (functions.tf); the moves keep deployed ones. */
    @Test
    void everyFunctionIsMadeByTheOneFunctionResourceFromItsDefinition() {
        Resource function = config.resource("google_cloudfunctions2_function", "function");
        assertThat(config.resources("google_cloudfunctions2_function")).containsExactly(function);
        assertThat(function.text("for_each")).isEqualTo("${local.functions}");
        assertThat(config.locals().path("functions").asText()).contains("local.function_definitions", "local.object_functions",
                "role != \"push\" || local.ingest_function_count == 1");
        assertThat(config.locals().path("object_functions").asText())
                .contains("local.pubsub_objects ? {} :", "merge(local.object_function,", "bucket in keys(local.vendor_buckets)");
        assertThat(config.functionDefinitions()).containsOnlyKeys("push", "object", "relay", "sweep", "arrivals");
        JsonNode service = function.block("service_config");
        assertThat(service.path("service_account_email").asText()).isEqualTo("${each.value.account}");
        assertThat(service.path("environment_variables").asText()).isEqualTo("${each.value.environment}");
        assertThat(service.path("timeout_seconds").asText()).isEqualTo("${each.value.timeout}");
        assertThat(function.text("name")).isEqualTo("${each.value.name}");
        // the Eventarc trigger is the object functions' only: on their bucket
        JsonNode trigger = function.body().path("dynamic").path("event_trigger").get(0);
        assertThat(trigger.path("for_each").asText()).isEqualTo("${contains(keys(local.object_functions), each.key) ? [each.key] : []}");
        assertThat(trigger.path("content").get(0).path("event_filters").get(0).path("value").asText())
                .isEqualTo("${google_storage_bucket.vendor[event_trigger.value].name}");
        // every function that had a resource of its own moves into this one, the object functions keeping their bucket keys
        assertThat(config.blocks("moved")).extracting(m -> m.path("from").asText() + " -> " + m.path("to").asText())
                .filteredOn(m -> m.startsWith("${google_cloudfunctions2_function."))
                .containsExactlyInAnyOrder(
                        "${google_cloudfunctions2_function.push[0]} -> ${google_cloudfunctions2_function.function[\"push\"]}",
                        "${google_cloudfunctions2_function.relay} -> ${google_cloudfunctions2_function.function[\"relay\"]}",
                        "${google_cloudfunctions2_function.sweep} -> ${google_cloudfunctions2_function.function[\"sweep\"]}",
                        "${google_cloudfunctions2_function.arrivals} -> ${google_cloudfunctions2_function.function[\"arrivals\"]}",
                        "${google_cloudfunctions2_function.object} -> ${google_cloudfunctions2_function.function}");
    }

    @Test
    void everyFunctionReadsItsRolesPasswordFromSecretManagerAndIsBoundedByTheConnectionBudget() {
        Resource resource = config.resource("google_cloudfunctions2_function", "function");
        JsonNode service = resource.block("service_config");
        JsonNode secret = service.path("secret_environment_variables").get(0);
        assertThat(secret.path("key").asText()).isEqualTo("INLET_DATABASE_PASSWORD");
        assertThat(secret.path("secret").asText()).isEqualTo("${google_secret_manager_secret.login[each.value.login_role].secret_id}");
        assertThat(service.path("max_instance_count").asText()).isEqualTo("${each.value.max_instances}");
        assertThat(resource.block("build_config").path("runtime").asText()).isEqualTo("java21");
        config.functionDefinitions().forEach((name, function) -> {
            String role = name.equals("relay") ? "relay" : "ingest";
            assertThat(function.path("login_role").asText()).as(name).isEqualTo(role);
            assertThat(function.path("environment").asText()).as(name)
                    .contains("INLET_DATABASE_USER = local.login_users[\"" + role + "\"]");
            assertThat(function.path("max_instances").asText()).as(name).isIn("${local.ingest_max_instances}", "1");
        });
        assertThat(config.locals().path("ingest_max_instances").asText()).isEqualTo(
                "${floor((var.database_connections - 3) / max(1, local.ingest_function_count + local.object_function_count))}");
    }

    @Test
    void functionsRunTheDocumentedEntryPoints() {
        assertThat(config.resource("google_cloudfunctions2_function", "function").block("build_config").path("entry_point").asText())
                .isEqualTo("${each.value.entry_point}");
        assertThat(config.functionDefinitions().values()).extracting(f -> f.path("entry_point").asText())
                .containsExactlyInAnyOrder("io.inlet.gcp.PubSubPushFunction", "io.inlet.gcp.GcsObjectFunction", "io.inlet.gcp.OutboxRelayFunction",
                        "io.inlet.gcp.SweepFunction", "io.inlet.gcp.ArrivalCheckFunction");
    }

    @Test
    void ingestionsWakeTheRelayThroughAPushSubscriptionAndOnlyIngestAndRelayMayPublishWakes() {
        // the wake topic and its push subscription are a stream of the stream module, pushed to the relay as push_invoker
        JsonNode wake = config.moduleCall("wake");
        assertThat(wake.path("source").asText()).isEqualTo("./stream");
        assertThat(wake.path("streams").properties()).extracting(Map.Entry::getKey).containsExactly("relay_wake");
        JsonNode relayWake = wake.path("streams").path("relay_wake");
        assertThat(relayWake.path("topic").asText()).isEqualTo("${var.name_prefix}-relay-wake");
        assertThat(relayWake.path("subscription").asText()).isEqualTo("${var.name_prefix}-src-relay-wake");
        assertThat(relayWake.path("retention").asText()).isEqualTo("600s");
        assertThat(wake.path("ack_deadline_seconds").asText()).isEqualTo("${min(600, var.relay_timeout_seconds)}");
        JsonNode push = wake.path("push");
        assertThat(push.path("endpoint").asText()).isEqualTo("${google_cloudfunctions2_function.function[\"relay\"].service_config[0].uri}");
        // signed as the push invoker, named through the invoker grant: the subscription is made after the grant
        assertThat(push.path("service_account_email").asText())
                .isEqualTo("${trimprefix(google_cloud_run_service_iam_member.push_invokes_relay.member, \"serviceAccount:\")}");
        Resource invoker = config.resource("google_cloud_run_service_iam_member", "push_invokes_relay");
        assertThat(invoker.text("service")).isEqualTo("${google_cloudfunctions2_function.function[\"relay\"].service_config[0].service}");
        assertThat(invoker.text("role")).isEqualTo("roles/run.invoker");
        assertThat(invoker.text("member")).isEqualTo("serviceAccount:${google_service_account.push_invoker.email}");
        // the stream module signs pushes with the account it is given, for the endpoint it pushes to
        JsonNode oidc = stream.resource("google_pubsub_subscription", "source").body().path("dynamic").path("push_config").get(0)
                .path("content").get(0).path("oidc_token").get(0);
        assertThat(oidc.path("service_account_email").asText()).isEqualTo("${push_config.value.service_account_email}");
        assertThat(oidc.path("audience").asText()).isEqualTo("${push_config.value.endpoint}");

        List<Resource> wakeGrants = config.resources("google_pubsub_topic_iam_member").stream()
                .filter(r -> r.text("topic").equals("${module.wake.topics[\"relay_wake\"].name}")).toList();
        assertThat(wakeGrants).extracting(Resource::name).containsExactly("wakes_relay");
        assertThat(wakeGrants.get(0).text("role")).isEqualTo("roles/pubsub.publisher");
        assertThat(wakeGrants.get(0).block("for_each").toString()).contains("google_service_account.ingest.email")
                .contains("google_service_account.relay.email").doesNotContain("sweep").doesNotContain("scheduler");
        // every function is told the topic; the relay's one request at a time is what coalesces pushed wakes
        assertThat(config.locals().path("function_environment").path("INLET_RELAY_WAKE_TOPIC").asText())
                .isEqualTo("${module.wake.topics[\"relay_wake\"].id}");
        assertThat(config.functionDefinitions().get("relay").path("max_instances").asText()).isEqualTo("1");
        JsonNode service = config.resource("google_cloudfunctions2_function", "function").block("service_config");
        assertThat(service.path("max_instance_request_concurrency").asText()).isEqualTo("1");
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
                "dead_letters", "backlog_age", "function_responses", "relay_not_running", "outbox_lag",
                "outbox_blocked", "check_findings");
        // the functions' 5xx (errors) and 429 (throttles) responses: one policy each, from one resource
        assertThat(config.locals().path("function_responses").path("function_errors").path("response").asText())
                .isEqualTo("metric.label.response_code_class = \"5xx\"");
        assertThat(config.locals().path("function_responses").path("function_throttles").path("response").asText())
                .isEqualTo("metric.label.response_code = \"429\"");
        Resource responses = config.resource("google_monitoring_alert_policy", "function_responses");
        assertThat(responses.text("for_each")).isEqualTo("${local.function_responses}");
        assertThat(responses.block("conditions").path("condition_threshold").get(0).path("filter").asText())
                .contains("metric.type = \"run.googleapis.com/request_count\" AND ${each.value.response} AND");
        assertThat(config.resource("google_logging_metric", "outbox_lag").text("value_extractor"))
                .isEqualTo("EXTRACT(jsonPayload.value)");
        // the files and records counters: one resource, labelled by feed and outcome
        Resource counters = config.resource("google_logging_metric", "feed_counters");
        assertThat(counters.text("for_each")).isEqualTo("${toset([\"files\", \"records\"])}");
        assertThat(counters.text("filter")).contains("jsonPayload.metric=\"${each.key}\"");
        assertThat(counters.body().path("label_extractors").path("outcome").asText()).isEqualTo("EXTRACT(jsonPayload.outcome)");
    }

    /** The scheduled checks' findings share one metric and one alert resource, keyed by meter; the moves keep deployed ones. */
    @Test
    void eachScheduledCheckHasAFindingsMetricAndAlertFromOneDefinition() {
        assertThat(config.locals().path("check_findings").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("sweep_missing_objects", "arrival_alerts");
        assertThat(config.resource("google_logging_metric", "check_findings").text("for_each")).isEqualTo("${local.check_findings}");
        Resource alert = config.resource("google_monitoring_alert_policy", "check_findings");
        assertThat(alert.text("for_each")).isEqualTo("${local.check_findings}");
        assertThat(alert.block("conditions").path("condition_threshold").get(0).path("filter").asText())
                .contains("logging.googleapis.com/user/${google_logging_metric.check_findings[each.key].name}");
        assertThat(config.blocks("moved")).extracting(m -> m.path("from").asText() + " -> " + m.path("to").asText()).contains(
                "${google_logging_metric.sweep_missing_objects} -> ${google_logging_metric.check_findings[\"sweep_missing_objects\"]}",
                "${google_monitoring_alert_policy.sweep_missing_objects} -> ${google_monitoring_alert_policy.check_findings[\"sweep_missing_objects\"]}",
                "${google_logging_metric.arrival_alerts} -> ${google_logging_metric.check_findings[\"arrival_alerts\"]}",
                "${google_monitoring_alert_policy.arrival_alerts} -> ${google_monitoring_alert_policy.check_findings[\"arrival_alerts\"]}");
    }

    /** The findings metric's filter for one meter: each.key and each.value.service as that meter's definition sets them. */
    private static String checkFindingsFilter(String meter) {
        String service = config.locals().path("check_findings").path(meter).path("service").asText();
        assertThat(service).as(meter).isNotBlank();
        return config.resource("google_logging_metric", "check_findings").text("filter")
                .replace("${each.key}", meter).replace("${each.value.service}", service);
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
        assertThat(config.functionDefinitions().get("relay").path("environment").asText()).contains("INLET_RELAY_MAX_ATTEMPTS = tostring(var.relay_max_attempts)");
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
        assertThat(config.resource("google_logging_metric", "check_findings").text("value_extractor"))
                .isEqualTo("EXTRACT(jsonPayload.value)");
        assertThat(checkFindingsFilter("sweep_missing_objects"))
                .contains("${var.name_prefix}-sweep").contains("jsonPayload.metric=\"sweep_missing_objects\"");
        JsonNode condition = config.resource("google_monitoring_alert_policy", "check_findings").block("conditions")
                .path("condition_threshold").get(0);
        assertThat(condition.path("threshold_value").asDouble()).isEqualTo(0.5);
        assertThat(config.functionDefinitions().get("sweep").path("environment").asText()).contains("INLET_SWEEP_LOOKBACK = var.sweep_lookback");
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
        assertThat(config.resource("google_logging_metric", "check_findings").text("value_extractor"))
                .isEqualTo("EXTRACT(jsonPayload.value)");
        assertThat(checkFindingsFilter("arrival_alerts"))
                .contains("${var.name_prefix}-arrivals").contains("jsonPayload.metric=\"arrival_alerts\"");
        assertThat(config.resource("google_monitoring_alert_policy", "check_findings").block("conditions")
                .path("condition_threshold").get(0).path("threshold_value").asDouble()).isEqualTo(0.5);
    }

    @Test
    void everyFunctionExportsSpansToCloudTraceByDefaultAndItsAccountMayWriteSpansOnly() {
        assertThat(config.variables().get("tracing").path("default").asText()).isEqualTo("cloud-trace");
        JsonNode environment = config.locals().path("function_environment");
        assertThat(environment.path("INLET_TRACING").asText()).isEqualTo("${var.tracing}");
        assertThat(environment.path("GOOGLE_CLOUD_PROJECT").asText()).isEqualTo("${var.project_id}");
        assertThat(environment.path("INLET_TRACE_SAMPLE_RATIO").asText()).isEqualTo("${tostring(var.trace_sample_ratio)}");
        config.functionDefinitions().forEach((name, function) ->
                assertThat(function.path("environment").asText()).as(name).containsAnyOf("local.function_environment", "local.push_environment"));
        // the push function's environment is the common one plus the claim-check allow-list
        assertThat(config.locals().path("push_environment").asText()).contains("local.function_environment");
        // every function's account (the one its service_config runs as) holds roles/cloudtrace.agent, and that is all the role grants
        Resource grant = config.resource("google_project_iam_member", "trace_agent");
        assertThat(grant.text("role")).isEqualTo("roles/cloudtrace.agent");
        assertThat(grant.text("for_each")).contains("var.tracing == \"off\" ? {}");
        config.functionDefinitions().forEach((function, definition) -> {
            String account = definition.path("account").asText();
            String name = account.replace("${google_service_account.", "").replace(".email}", "");
            assertThat(grant.text("for_each")).as(function).contains(name + " ");
        });
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
