# ---- relay wake-up: ingestions that committed outbox rows -> wake topic -> push -> OutboxRelayFunction ----
# Each ingest instance publishes at most one wake per INLET_RELAY_WAKE_WINDOW_MS (default 500 ms) and
# the relay runs one request at a time (max_instance_count 1, concurrency 1): a wake pushed while a woken
# relay lingers is refused (429) and pushed again after the retry backoff, when it starts at most one more
# run. The Cloud Scheduler job stays as the fallback: a lost wake only delays rows until the next tick.
# (docs/gcp.md, "Relay wake-up")

resource "google_pubsub_topic" "relay_wake" {
  name                       = "${var.name_prefix}-relay-wake"
  labels                     = local.labels
  message_retention_duration = "600s"
}

resource "google_pubsub_topic" "relay_wake_dead_letter" {
  name                       = "${var.name_prefix}-relay-wake-dead-letter"
  labels                     = local.labels
  message_retention_duration = local.dead_letter_retention
}

resource "google_pubsub_subscription" "relay_wake" {
  name                       = "${var.name_prefix}-src-relay-wake"
  topic                      = google_pubsub_topic.relay_wake.id
  labels                     = local.labels
  ack_deadline_seconds       = min(600, var.relay_timeout_seconds)
  message_retention_duration = "600s"

  push_config {
    push_endpoint = google_cloudfunctions2_function.relay.service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.push_invoker.email
      audience              = google_cloudfunctions2_function.relay.service_config[0].uri
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.relay_wake_dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_cloud_run_service_iam_member.push_invokes_relay]
}

resource "google_pubsub_subscription" "relay_wake_dead_letter" {
  name                       = "${var.name_prefix}-dlq-relay-wake"
  topic                      = google_pubsub_topic.relay_wake_dead_letter.id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = local.dead_letter_retention

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_topic_iam_member" "relay_wake_dead_letter_publisher" {
  topic  = google_pubsub_topic.relay_wake_dead_letter.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${local.pubsub_service_agent}"
}

resource "google_pubsub_subscription_iam_member" "relay_wake_dead_letter_subscriber" {
  subscription = google_pubsub_subscription.relay_wake.name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${local.pubsub_service_agent}"
}

# Who may wake the relay: the ingest functions, and the relay itself (a successor when its deadline stops it
# with rows pending). Publish on this one topic only.
resource "google_pubsub_topic_iam_member" "wakes_relay" {
  for_each = {
    ingest = google_service_account.ingest.email
    relay  = google_service_account.relay.email
  }

  topic  = google_pubsub_topic.relay_wake.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${each.value}"
}

# The wake subscription pushes to the relay as push_invoker.
resource "google_cloud_run_service_iam_member" "push_invokes_relay" {
  location = var.region
  service  = google_cloudfunctions2_function.relay.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push_invoker.email}"
}
