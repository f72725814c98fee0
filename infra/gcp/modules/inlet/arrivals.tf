# The arrival check (io.inlet.gcp.ArrivalCheckFunction): every 15 minutes Cloud Scheduler calls it; it
# judges each feed's `expect` slots and each file set's timeout against the ledger and emits
# FileMissing, FileLate, FileShort and FileSetIncomplete through the outbox, each once, and logs the
# core's meters (MetricLogExporter): the line with jsonPayload.metric="arrival_alerts" carries in
# jsonPayload.value what this run emitted, on which an alert fires at 1. It reads the database and the feeds file; no bucket.
# Its function is defined in functions.tf, its metric and alert in monitoring.tf (check_findings).

variable "arrival_check_schedule" {
  description = "Cron schedule of the arrival check (Cloud Scheduler, UTC); every 15 minutes by default."
  type        = string
  default     = "*/15 * * * *"

  validation {
    condition     = length(split(" ", var.arrival_check_schedule)) == 5
    error_message = "arrival_check_schedule must be a five-field cron expression."
  }
}

resource "google_service_account" "arrivals" {
  account_id   = "${var.name_prefix}-arrivals"
  display_name = "Inlet arrival check: read the feeds file and the ingest login secret"
}

resource "google_storage_bucket_iam_member" "arrivals_reads_feeds_file" {
  count = local.feeds_object == null ? 0 : 1

  bucket = local.feeds_object[0]
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.arrivals.email}"

  condition {
    title      = "feeds file"
    expression = "resource.name == \"projects/_/buckets/${local.feeds_object[0]}/objects/${local.feeds_object[1]}\""
  }
}

resource "google_secret_manager_secret_iam_member" "arrivals_reads_database_password" {
  secret_id = google_secret_manager_secret.login["ingest"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.arrivals.email}"
}

resource "google_cloud_run_service_iam_member" "scheduler_invokes_arrivals" {
  location = var.region
  service  = google_cloudfunctions2_function.function["arrivals"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_scheduler_job" "arrivals" {
  name             = "${var.name_prefix}-arrivals"
  description      = "Runs the Inlet arrival check"
  region           = var.region
  schedule         = var.arrival_check_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "300s"

  retry_config {
    retry_count = 1
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.function["arrivals"].service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.function["arrivals"].service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_service_iam_member.scheduler_invokes_arrivals]
}
