# One service account per job, each granted on the single resource it needs. No primitive roles.

resource "google_service_account" "ingest" {
  account_id   = "${var.name_prefix}-ingest"
  display_name = "Inlet ingest functions: read feed prefixes, read the ingest login secret"
}

resource "google_service_account" "relay" {
  account_id   = "${var.name_prefix}-relay"
  display_name = "Inlet outbox relay: publish to the destination topics, read the relay login secret"
}

resource "google_service_account" "push_invoker" {
  account_id   = "${var.name_prefix}-push"
  display_name = "Identity of Inlet's push subscriptions when they call the push function"
}

resource "google_service_account" "scheduler" {
  account_id   = "${var.name_prefix}-scheduler"
  display_name = "Identity of the Cloud Scheduler job that runs the relay"
}

resource "google_service_account" "eventarc" {
  count = local.pubsub_objects ? 0 : 1

  account_id   = "${var.name_prefix}-eventarc"
  display_name = "Identity of Inlet's Eventarc storage triggers"
}

# Read only objects under the feed prefixes: a conditional binding per prefix.
resource "google_storage_bucket_iam_member" "ingest_reads_feed_prefix" {
  for_each = local.vendor_prefixes

  bucket = google_storage_bucket.vendor[each.value.bucket].name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.ingest.email}"

  condition {
    title      = "feed prefix ${each.value.prefix}"
    expression = "resource.name.startsWith(\"projects/_/buckets/${each.value.bucket}/objects/${each.value.prefix}\")"
  }
}

# Write only the receipts (issue 17.4): objects under a bucket's receipts prefix, nowhere else;
# buckets without a receipts_prefix get no write grant at all. objectUser, not objectCreator: a receipt
# is rewritten in place after a redelivery or a reprocess (same key), which needs storage.objects.delete;
# objectCreator would keep a stale first receipt. The condition confines every permission to the prefix.
resource "google_storage_bucket_iam_member" "ingest_writes_receipts" {
  for_each = local.receipt_prefixes

  bucket = google_storage_bucket.vendor[each.key].name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.ingest.email}"

  condition {
    title      = "receipts prefix ${each.value}"
    expression = "resource.name.startsWith(\"projects/_/buckets/${each.key}/objects/${each.value}\")"
  }
}

# Partner buckets an inbound claim-check pointer may name (claim_check_allowed_buckets): read their objects only.
resource "google_storage_bucket_iam_member" "ingest_reads_partner_claim_checks" {
  for_each = toset(var.claim_check_allowed_buckets)

  bucket = each.value
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.ingest.email}"
}

# A file set's marker lists its prefix: objects.list is checked on the bucket, so the ingest account
# may list each vendor bucket (names and metadata); it still reads objects only under the feed prefixes.
resource "google_storage_bucket_iam_member" "ingest_lists_vendor_bucket" {
  for_each = { for b in var.vendor_buckets : b.name => b }

  bucket = google_storage_bucket.vendor[each.key].name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.ingest.email}"

  condition {
    title      = "bucket listing"
    expression = "resource.name == \"projects/_/buckets/${each.key}\""
  }
}

resource "google_storage_bucket_iam_member" "feeds_file_reader" {
  for_each = local.feeds_object == null ? {} : {
    ingest = google_service_account.ingest.email
    relay  = google_service_account.relay.email
  }

  bucket = local.feeds_object[0]
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${each.value}"

  condition {
    title      = "feeds file"
    expression = "resource.name == \"projects/_/buckets/${local.feeds_object[0]}/objects/${local.feeds_object[1]}\""
  }
}

# Each function reads its own role's login password, never the admin's (migrate.tf).
resource "google_secret_manager_secret_iam_member" "database_password_reader" {
  for_each = {
    ingest = google_service_account.ingest.email
    relay  = google_service_account.relay.email
  }

  secret_id = google_secret_manager_secret.login[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${each.value}"
}

resource "google_secret_manager_secret_iam_member" "database_ca_reader" {
  for_each = var.create_database ? {
    ingest  = google_service_account.ingest.email
    relay   = google_service_account.relay.email
    sweep   = google_service_account.sweep.email
    migrate = google_service_account.migrate.email
  } : {}

  secret_id = google_secret_manager_secret.database_ca[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${each.value}"
}

resource "google_pubsub_topic_iam_member" "relay_publishes_destination" {
  for_each = local.destinations

  topic  = module.destinations.topics[each.key].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.relay.email}"
}

# Push subscriptions sign their requests as push_invoker; the Pub/Sub service agent mints those tokens.
resource "google_service_account_iam_member" "pubsub_signs_push_tokens" {
  service_account_id = google_service_account.push_invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${local.pubsub_service_agent}"
}

resource "google_cloud_run_service_iam_member" "push_invoker" {
  count = local.ingest_function_count

  location = var.region
  service  = google_cloudfunctions2_function.function["push"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push_invoker.email}"
}

resource "google_cloud_run_service_iam_member" "scheduler_invokes_relay" {
  location = var.region
  service  = google_cloudfunctions2_function.function["relay"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

# Eventarc variant: the trigger identity receives events and invokes the object functions; the Cloud
# Storage service agent publishes to Eventarc's transport topic (Google's documented requirements).
resource "google_project_iam_member" "eventarc_receiver" {
  count = local.pubsub_objects ? 0 : 1

  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.eventarc[0].email}"
}

resource "google_project_iam_member" "gcs_publishes_eventarc" {
  count = local.pubsub_objects ? 0 : 1

  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_cloud_run_service_iam_member" "eventarc_invokes_object_function" {
  for_each = { for bucket in keys(local.object_functions) : bucket => google_cloudfunctions2_function.function[bucket] }

  location = var.region
  service  = each.value.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.eventarc[0].email}"
}

# The functions write their spans to Cloud Trace (INLET_TRACING=cloud-trace): span writes only, nothing read.
resource "google_project_iam_member" "trace_agent" {
  for_each = var.tracing == "off" ? {} : {
    ingest   = google_service_account.ingest.email
    relay    = google_service_account.relay.email
    sweep    = google_service_account.sweep.email
    arrivals = google_service_account.arrivals.email
  }

  project = var.project_id
  role    = "roles/cloudtrace.agent"
  member  = "serviceAccount:${each.value}"
}
