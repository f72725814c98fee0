data "google_project" "this" {
  project_id = var.project_id
}

# The Cloud Storage service agent publishes bucket notifications.
data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

locals {
  labels = merge(var.labels, { app = "inlet", channel = var.channel })

  # The Pub/Sub service agent moves undeliverable messages to dead-letter topics and signs push tokens.
  pubsub_service_agent = "service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  # One (bucket, prefix) pair per feed: the notification filters and the read grants are cut from these.
  vendor_prefixes = {
    for pair in flatten([
      for b in var.vendor_buckets : [for p in b.prefixes : { bucket = b.name, prefix = p }]
    ]) : "${pair.bucket}/${pair.prefix}" => pair
  }
  vendor_buckets = { for b in var.vendor_buckets : b.name => b }
  # The buckets whose feeds write receipts, each with its receipts prefix: the only place the ingest account may create objects.
  receipt_prefixes = { for b in var.vendor_buckets : b.name => b.receipts_prefix if b.receipts_prefix != null }
  inbound          = { for t in var.inbound_topics : t.name => t }
  destinations     = { for d in var.destinations : d.name => d }

  pubsub_objects = var.object_trigger == "pubsub"

  # Each ingest instance holds one connection; the relay, the daily sweep and the arrival check keep one each; the rest is shared by the ingest functions.
  ingest_function_count = local.pubsub_objects || length(local.inbound) > 0 ? 1 : 0
  object_function_count = local.pubsub_objects ? 0 : length(var.vendor_buckets)
  ingest_max_instances  = floor((var.database_connections - 3) / max(1, local.ingest_function_count + local.object_function_count))

  # verify-full: the chain against the instance's server CA (mounted from Secret Manager), the name
  # against the instance (CloudSqlHostnameVerifier: Cloud SQL's certificate names project:instance, not the private IP).
  database_url       = var.create_database ? "jdbc:postgresql://${google_sql_database_instance.inlet[0].private_ip_address}:5432/inlet?sslmode=verify-full&sslrootcert=${local.database_ca_mount}/server-ca.pem&sslhostnameverifier=io.inlet.gcp.migrate.CloudSqlHostnameVerifier" : var.existing_database_url
  database_instance  = var.create_database ? google_sql_database_instance.inlet[0].connection_name : ""
  password_secret_id = var.create_database ? google_secret_manager_secret.database_password[0].secret_id : var.existing_password_secret_id
  vpc_connector      = var.create_database ? google_vpc_access_connector.inlet[0].id : (var.existing_vpc_connector == "" ? null : var.existing_vpc_connector)

  function_environment = {
    INLET_FEEDS                = var.feeds_location
    INLET_DATABASE_URL         = local.database_url
    INLET_DATABASE_INSTANCE    = local.database_instance
    INLET_DESTINATIONS         = join(",", [for name, topic in module.destinations.topics : "${name}=${topic.id}"])
    INLET_ORDERED_DESTINATIONS = join(",", [for d in var.destinations : d.name if d.ordered])
    INLET_CHANNEL              = var.channel
    INLET_TIMEOUT_SECONDS      = tostring(var.function_timeout_seconds)
    # ingestions that commit outbox rows wake the relay through this topic (wake.tf)
    INLET_RELAY_WAKE_TOPIC = module.wake.topics["relay_wake"].id
    # Spans to Cloud Trace (io.inlet.gcp.trace.CloudTracing); the project also names the logs' trace field
    GOOGLE_CLOUD_PROJECT     = var.project_id
    INLET_TRACING            = var.tracing
    INLET_TRACE_SAMPLE_RATIO = tostring(var.trace_sample_ratio)
  }

  # The push function takes inbound events; only it fetches partner claim checks.
  push_environment = length(var.claim_check_allowed_buckets) == 0 ? local.function_environment : merge(local.function_environment, {
    INLET_CLAIM_CHECK_ALLOWED_BUCKETS = join(",", var.claim_check_allowed_buckets)
  })

  feeds_object = can(regex("^gs://", var.feeds_location)) ? regex("^gs://([^/]+)/(.+)$", var.feeds_location) : null
}

resource "google_project_service" "required" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com",
    "cloudtrace.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
    "vpcaccess.googleapis.com",
  ])
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# Settings that depend on each other cannot be checked in one variable's validation block (Terraform < 1.9).
resource "terraform_data" "settings_check" {
  lifecycle {
    precondition {
      condition     = var.create_database || (var.existing_database_url != "" && var.existing_password_secret_id != "")
      error_message = "With create_database = false, set existing_database_url and existing_password_secret_id."
    }
    precondition {
      condition     = var.retry_minimum_backoff_seconds <= var.retry_maximum_backoff_seconds
      error_message = "retry_minimum_backoff_seconds must not exceed retry_maximum_backoff_seconds."
    }
    precondition {
      condition     = local.pubsub_objects || length(setintersection(keys(local.function_definitions), keys(local.vendor_buckets))) == 0
      error_message = "With object_trigger = \"eventarc\", no vendor bucket may be named push, relay, sweep or arrivals: the object functions are keyed by their bucket beside those (functions.tf)."
    }
    precondition {
      condition     = local.ingest_max_instances >= 1
      error_message = "database_connections is too small for one instance per ingest function plus the relay."
    }
  }
}
