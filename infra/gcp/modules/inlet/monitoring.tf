# Alert policies mirroring the AWS alarms: dead letters, backlog age, function errors and throttling,
# the relay not running, the outbox lag and blocked outbox rows (rows that failed relay_max_attempts
# times and hold their stream).
#
# Inlet's own metrics are the core's Micrometer meters, which the functions log at the end of each
# request as one line per meter (MetricLogExporter): jsonPayload.metric = the meter's snake-case name
# (outbox_lag_seconds, outbox_blocked, files, records, cold_start, sweep_missing_objects, ...),
# jsonPayload.value = its value (a counter's increase, a gauge's value), and its tags as fields
# (feed, outcome, ...). The log-based metrics below select by name and by this deployment's
# services (name_prefix), so two deployments in one project keep their own metrics.

resource "google_monitoring_notification_channel" "email" {
  count = var.alert_email == "" ? 0 : 1

  display_name = "Inlet alerts"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }
}

locals {
  notification_channels = [for c in google_monitoring_notification_channel.email : c.id]
}

resource "google_logging_metric" "outbox_lag" {
  name   = "${var.name_prefix}/outbox_lag_seconds"
  filter = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.name_prefix}-relay\" AND jsonPayload.metric=\"outbox_lag_seconds\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "s"
  }

  value_extractor = "EXTRACT(jsonPayload.value)"

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 32
      growth_factor      = 2
      scale              = 1
    }
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name          = "Inlet: messages in a dead-letter subscription"
  combiner              = "OR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "undelivered dead letters > 0"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.label.subscription_id = monitoring.regex.full_match(\"${var.name_prefix}-dlq-.*\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "60s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content = "A message failed max_delivery_attempts times. Inspect, fix, then redrive: docs/deploy.md."
  }
}

resource "google_monitoring_alert_policy" "backlog_age" {
  display_name          = "Inlet: oldest unacknowledged message too old"
  combiner              = "OR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "oldest unacked message age > ${var.oldest_message_alert_seconds}s"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.label.subscription_id = monitoring.regex.full_match(\"${var.name_prefix}-src-.*\")"
      comparison      = "COMPARISON_GT"
      threshold_value = var.oldest_message_alert_seconds
      duration        = "300s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }
}

# The functions' failed requests, by response: 5xx (errors) and 429 (throttled: max instances reached).
locals {
  function_responses = {
    function_errors = {
      alert     = "Inlet: function errors"
      condition = "5xx responses"
      response  = "metric.label.response_code_class = \"5xx\""
    }
    function_throttles = {
      alert     = "Inlet: function throttled (max instances reached)"
      condition = "429 responses"
      response  = "metric.label.response_code = \"429\""
    }
  }
}

resource "google_monitoring_alert_policy" "function_responses" {
  for_each = local.function_responses

  display_name          = each.value.alert
  combiner              = "OR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = each.value.condition
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"run.googleapis.com/request_count\" AND ${each.value.response} AND resource.label.service_name = monitoring.regex.full_match(\"${var.name_prefix}-.*\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }
}

moved {
  from = google_monitoring_alert_policy.function_errors
  to   = google_monitoring_alert_policy.function_responses["function_errors"]
}

moved {
  from = google_monitoring_alert_policy.function_throttles
  to   = google_monitoring_alert_policy.function_responses["function_throttles"]
}

resource "google_monitoring_alert_policy" "relay_not_running" {
  display_name          = "Inlet: outbox relay not running"
  combiner              = "OR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "no relay requests for 15 minutes"
    condition_absent {
      filter   = "resource.type = \"cloud_run_revision\" AND metric.type = \"run.googleapis.com/request_count\" AND resource.label.service_name = \"${var.name_prefix}-relay\""
      duration = "900s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_DELTA"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "outbox_lag" {
  display_name          = "Inlet: outbox lag"
  combiner              = "OR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "outbox lag p99 > ${var.outbox_lag_alert_seconds}s"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.outbox_lag.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.outbox_lag_alert_seconds
      duration        = "600s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }
    }
  }
}

resource "google_logging_metric" "outbox_blocked" {
  name   = "${var.name_prefix}/outbox_blocked"
  filter = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.name_prefix}-relay\" AND jsonPayload.metric=\"outbox_blocked\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"
  }

  value_extractor = "EXTRACT(jsonPayload.value)"

  bucket_options {
    linear_buckets {
      num_finite_buckets = 10
      width              = 1
      offset             = 0
    }
  }
}

resource "google_monitoring_alert_policy" "outbox_blocked" {
  display_name          = "Inlet: outbox row blocked"
  combiner              = "OR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  documentation {
    content   = "An outbox row failed ${var.relay_max_attempts} publish attempts and is blocked; its stream waits. Run `inlet outbox blocked`, then `inlet outbox retry` or `inlet outbox unblock` (docs/gcp.md)."
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "blocked outbox rows >= 1"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.outbox_blocked.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0.5
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }
    }
  }
}

# Counters of every service, with the meter's tags as labels: files and records by feed and outcome
# (one resource, keyed by the meter's name), and cold starts by service (the GCP counterpart of the EMF
# ColdStart metric).
resource "google_logging_metric" "feed_counters" {
  for_each = toset(["files", "records"])

  name   = "${var.name_prefix}/${each.key}"
  filter = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"^${var.name_prefix}-\" AND jsonPayload.metric=\"${each.key}\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "feed"
      value_type = "STRING"
    }
    labels {
      key        = "outcome"
      value_type = "STRING"
    }
  }

  value_extractor = "EXTRACT(jsonPayload.value)"
  label_extractors = {
    feed    = "EXTRACT(jsonPayload.feed)"
    outcome = "EXTRACT(jsonPayload.outcome)"
  }
}

moved {
  from = google_logging_metric.files
  to   = google_logging_metric.feed_counters["files"]
}

moved {
  from = google_logging_metric.records
  to   = google_logging_metric.feed_counters["records"]
}

resource "google_logging_metric" "cold_start" {
  name   = "${var.name_prefix}/cold_start"
  filter = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"^${var.name_prefix}-\" AND jsonPayload.metric=\"cold_start\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "function"
      value_type = "STRING"
    }
  }

  value_extractor = "EXTRACT(jsonPayload.value)"
  label_extractors = {
    function = "EXTRACT(jsonPayload.function)"
  }
}

# What the scheduled checks find (sweep.tf, arrivals.tf): each check logs one count per run, a log-based
# metric reads it from that check's service, and an alert fires at 1. Keyed by the meter's name.
locals {
  check_findings = {
    sweep_missing_objects = {
      service          = "sweep"
      alert            = "Inlet: sweep found objects never ingested"
      runbook          = "The daily sweep found vendor objects the ledger does not account for (a lost notification, a stuck or overwritten file). Run `inlet sweep gs://BUCKET/PREFIX`, then `--redrive` (docs/operations.md, \"missed notification\")."
      condition        = "missing objects >= 1"
      alignment_period = "86400s"
    }
    arrival_alerts = {
      service          = "arrivals"
      alert            = "Inlet: an expected file is missing, late or short, or a file set is incomplete"
      runbook          = "The arrival check emitted FileMissing, FileLate, FileShort or FileSetIncomplete. Run `inlet status` for each feed's freshness and read the derived events (docs/operations.md, \"expected arrivals\")."
      condition        = "arrival alerts >= 1"
      alignment_period = "900s"
    }
  }
}

resource "google_logging_metric" "check_findings" {
  for_each = local.check_findings

  name   = "${var.name_prefix}/${each.key}"
  filter = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.name_prefix}-${each.value.service}\" AND jsonPayload.metric=\"${each.key}\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"
  }

  value_extractor = "EXTRACT(jsonPayload.value)"

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 20
      growth_factor      = 2
      scale              = 1
    }
  }
}

resource "google_monitoring_alert_policy" "check_findings" {
  for_each = local.check_findings

  display_name          = each.value.alert
  combiner              = "OR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  documentation {
    content   = each.value.runbook
    mime_type = "text/markdown"
  }

  conditions {
    display_name = each.value.condition
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.check_findings[each.key].name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0.5
      duration        = "0s"
      aggregations {
        alignment_period     = each.value.alignment_period
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }
    }
  }
}

# Each check's metric and alert had resources of their own before they shared these: the moves keep them.
moved {
  from = google_logging_metric.sweep_missing_objects
  to   = google_logging_metric.check_findings["sweep_missing_objects"]
}

moved {
  from = google_monitoring_alert_policy.sweep_missing_objects
  to   = google_monitoring_alert_policy.check_findings["sweep_missing_objects"]
}

moved {
  from = google_logging_metric.arrival_alerts
  to   = google_logging_metric.check_findings["arrival_alerts"]
}

moved {
  from = google_monitoring_alert_policy.arrival_alerts
  to   = google_monitoring_alert_policy.check_findings["arrival_alerts"]
}
