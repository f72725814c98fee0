# The missed-notification sweep (io.inlet.gcp.SweepFunction): once a day Cloud Scheduler calls it; it
# lists the feed prefixes of every vendor bucket, compares them with the file ledger over the last
# sweep_lookback, and logs sweep_missing_objects, on which an alert fires at 1. It only reports:
# `inlet sweep gs://BUCKET/PREFIX --redrive` loads what it found (docs/operations.md).
# Its function is defined in functions.tf, its metric and alert in monitoring.tf (check_findings).

variable "sweep_schedule" {
  description = "Cron schedule of the missed-notification sweep (Cloud Scheduler, UTC); daily by default."
  type        = string
  default     = "0 5 * * *"

  validation {
    condition     = length(split(" ", var.sweep_schedule)) == 5
    error_message = "sweep_schedule must be a five-field cron expression."
  }
}

variable "sweep_lookback" {
  description = "How far back each sweep looks (ISO-8601 duration, INLET_SWEEP_LOOKBACK): two days, so one missed run loses nothing."
  type        = string
  default     = "P2D"
}

resource "google_service_account" "sweep" {
  account_id   = "${var.name_prefix}-sweep"
  display_name = "Inlet missed-notification sweep: list the vendor buckets, read feed objects' metadata, read the ingest login secret"
}

# objects.list is checked on the bucket (no prefix condition is possible), objects.get on the object:
# the binding lets it list the bucket and read only objects under the feed prefixes.
resource "google_storage_bucket_iam_member" "sweep_lists_feed_bucket" {
  for_each = { for b in var.vendor_buckets : b.name => b }

  bucket = google_storage_bucket.vendor[each.key].name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.sweep.email}"

  condition {
    title      = "bucket listing and feed prefixes"
    expression = join(" || ", concat(["resource.name == \"projects/_/buckets/${each.key}\""], [for p in each.value.prefixes : "resource.name.startsWith(\"projects/_/buckets/${each.key}/objects/${p}\")"]))
  }
}

resource "google_storage_bucket_iam_member" "sweep_reads_feeds_file" {
  count = local.feeds_object == null ? 0 : 1

  bucket = local.feeds_object[0]
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.sweep.email}"

  condition {
    title      = "feeds file"
    expression = "resource.name == \"projects/_/buckets/${local.feeds_object[0]}/objects/${local.feeds_object[1]}\""
  }
}

resource "google_secret_manager_secret_iam_member" "sweep_reads_database_password" {
  secret_id = google_secret_manager_secret.login["ingest"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.sweep.email}"
}

resource "google_cloud_run_service_iam_member" "scheduler_invokes_sweep" {
  location = var.region
  service  = google_cloudfunctions2_function.function["sweep"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_scheduler_job" "sweep" {
  name             = "${var.name_prefix}-sweep"
  description      = "Runs the Inlet missed-notification sweep"
  region           = var.region
  schedule         = var.sweep_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "1800s"

  retry_config {
    retry_count = 1
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.function["sweep"].service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.function["sweep"].service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_service_iam_member.scheduler_invokes_sweep]
}
