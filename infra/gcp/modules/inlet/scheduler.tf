resource "google_cloud_scheduler_job" "relay" {
  name             = "${var.name_prefix}-relay"
  description      = "Runs the Inlet outbox relay"
  region           = var.region
  schedule         = var.relay_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "${var.relay_timeout_seconds + 30}s"

  retry_config {
    # The next tick is the retry: a failed run is not worth piling up behind the schedule.
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.function["relay"].service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.function["relay"].service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_service_iam_member.scheduler_invokes_relay]
}
