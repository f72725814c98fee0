# ---- relay wake-up: ingestions that committed outbox rows -> wake topic -> push -> OutboxRelayFunction ----
# Each ingest instance publishes at most one wake per INLET_RELAY_WAKE_WINDOW_MS (default 500 ms) and
# the relay runs one request at a time (max_instance_count 1, concurrency 1): a wake pushed while a woken
# relay lingers is refused (429) and pushed again after the retry backoff, when it starts at most one more
# run. The Cloud Scheduler job stays as the fallback: a lost wake only delays rows until the next tick.
# (docs/gcp.md, "Relay wake-up")
#
# The wake topic, its push subscription, the dead letters and the service agent's grants are a stream
# (stream/main.tf) like the others: dead-lettered after max_delivery_attempts, redelivered with the
# deployment's backoff. A wake is worth nothing after the next scheduled run, so the topic and the
# subscription keep it 10 minutes (Pub/Sub's minimum), and the subscription waits as long as the relay may run.

module "wake" {
  source = "./stream"

  streams = {
    relay_wake = {
      topic                    = "${var.name_prefix}-relay-wake"
      dead_letter_topic        = "${var.name_prefix}-relay-wake-dead-letter"
      subscription             = "${var.name_prefix}-src-relay-wake"
      dead_letter_subscription = "${var.name_prefix}-dlq-relay-wake"
      retention                = "600s"
    }
  }
  push = {
    endpoint = google_cloudfunctions2_function.function["relay"].service_config[0].uri
    # the push invoker, as the invoker grant below names it: the subscription is made after the grant,
    # so its first pushes are not refused
    service_account_email = trimprefix(google_cloud_run_service_iam_member.push_invokes_relay.member, "serviceAccount:")
  }
  ack_deadline_seconds = min(600, var.relay_timeout_seconds)
  settings             = local.stream_settings
}

# Who may wake the relay: the ingest functions, and the relay itself (a successor when its deadline stops it
# with rows pending). Publish on this one topic only.
resource "google_pubsub_topic_iam_member" "wakes_relay" {
  for_each = {
    ingest = google_service_account.ingest.email
    relay  = google_service_account.relay.email
  }

  topic  = module.wake.topics["relay_wake"].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${each.value}"
}

# The wake subscription pushes to the relay as push_invoker.
resource "google_cloud_run_service_iam_member" "push_invokes_relay" {
  location = var.region
  service  = google_cloudfunctions2_function.function["relay"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push_invoker.email}"
}
