# Cloud Run functions (2nd gen) on the java21 runtime (the jar is Java 17 bytecode), all built from the one
# jar. Instance caps come from the database connection budget (main.tf), so a burst of notifications cannot exhaust PostgreSQL.
#
# One resource serves every function: local.function_definitions says what differs (entry point, account,
# login role, timeout, instance cap, environment); the build, the service settings, the login secret and the
# database CA volume are written once below. The object functions (Eventarc variant) are keyed by their
# vendor bucket, the others by their role.

locals {
  function_definitions = {
    push = {
      name          = "${var.name_prefix}-ingest-push"
      description   = "Inlet: Cloud Storage notifications and business events from push subscriptions"
      entry_point   = "io.inlet.gcp.PubSubPushFunction"
      account       = google_service_account.ingest.email
      login_role    = "ingest"
      timeout       = var.function_timeout_seconds
      max_instances = local.ingest_max_instances
      environment   = merge(local.push_environment, { INLET_DATABASE_USER = local.login_users["ingest"] })
    }
    relay = {
      name          = "${var.name_prefix}-relay"
      description   = "Inlet outbox relay: publishes committed outbox rows to the destination topics"
      entry_point   = "io.inlet.gcp.OutboxRelayFunction"
      account       = google_service_account.relay.email
      login_role    = "relay"
      timeout       = var.relay_timeout_seconds
      max_instances = 1
      environment   = merge(local.function_environment, { INLET_DATABASE_USER = local.login_users["relay"], INLET_TIMEOUT_SECONDS = tostring(var.relay_timeout_seconds), INLET_RELAY_MAX_ATTEMPTS = tostring(var.relay_max_attempts) })
    }
    # sweep.tf
    sweep = {
      name          = "${var.name_prefix}-sweep"
      description   = "Inlet missed-notification sweep: bucket listing against the file ledger"
      entry_point   = "io.inlet.gcp.SweepFunction"
      account       = google_service_account.sweep.email
      login_role    = "ingest"
      timeout       = 1800
      max_instances = 1
      environment   = merge(local.function_environment, { INLET_DATABASE_USER = local.login_users["ingest"], INLET_SWEEP_LOOKBACK = var.sweep_lookback })
    }
    # arrivals.tf
    arrivals = {
      name          = "${var.name_prefix}-arrivals"
      description   = "Inlet arrival check: expected files missing, late or short; file sets past their timeout"
      entry_point   = "io.inlet.gcp.ArrivalCheckFunction"
      account       = google_service_account.arrivals.email
      login_role    = "ingest"
      timeout       = 300
      max_instances = 1
      environment   = merge(local.function_environment, { INLET_DATABASE_USER = local.login_users["ingest"] })
    }
  }

  # Eventarc variant: one function per vendor bucket (an Eventarc storage trigger filters on one bucket),
  # each this definition with its bucket's name and description.
  object_function = {
    entry_point   = "io.inlet.gcp.GcsObjectFunction"
    account       = google_service_account.ingest.email
    login_role    = "ingest"
    timeout       = var.function_timeout_seconds
    max_instances = local.ingest_max_instances
    environment   = merge(local.function_environment, { INLET_DATABASE_USER = local.login_users["ingest"] })
  }
  object_functions = local.pubsub_objects ? {} : {
    for bucket in keys(local.vendor_buckets) : bucket => merge(local.object_function, {
      name        = "${var.name_prefix}-ingest-${substr(sha256(bucket), 0, 8)}"
      description = "Inlet: objects finalized in ${bucket} (Eventarc)"
    })
  }

  # The push function exists only when something is pushed to it (main.tf: ingest_function_count).
  functions = merge(
    { for role, f in local.function_definitions : role => f if role != "push" || local.ingest_function_count == 1 },
    local.object_functions,
  )
}

resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions

  name        = each.value.name
  location    = var.region
  description = each.value.description
  labels      = local.labels

  build_config {
    runtime     = "java21"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    service_account_email            = each.value.account
    timeout_seconds                  = each.value.timeout
    available_memory                 = var.function_memory
    max_instance_count               = each.value.max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    vpc_connector                    = local.vpc_connector
    vpc_connector_egress_settings    = local.vpc_connector == null ? null : "PRIVATE_RANGES_ONLY"
    environment_variables            = each.value.environment

    secret_environment_variables {
      key        = "INLET_DATABASE_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.login[each.value.login_role].secret_id
      version    = "latest"
    }

    dynamic "secret_volumes" {
      for_each = var.create_database ? [1] : []
      content {
        mount_path = local.database_ca_mount
        project_id = var.project_id
        secret     = google_secret_manager_secret.database_ca[0].secret_id
        versions {
          version = "latest"
          path    = "server-ca.pem"
        }
      }
    }
  }

  # Object functions only: the Eventarc trigger on their bucket.
  dynamic "event_trigger" {
    for_each = contains(keys(local.object_functions), each.key) ? [each.key] : []
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.storage.object.v1.finalized"
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.eventarc[0].email

      event_filters {
        attribute = "bucket"
        value     = google_storage_bucket.vendor[event_trigger.value].name
      }
    }
  }

  # after the migration job: the schema and every function's login user exist (migrate.tf), and the
  # accounts may read their login secrets; the Eventarc grants before the object functions' triggers
  depends_on = [
    google_cloud_run_v2_job.migrate,
    google_project_service.required,
    google_secret_manager_secret_iam_member.database_password_reader,
    google_secret_manager_secret_iam_member.sweep_reads_database_password,
    google_secret_manager_secret_iam_member.arrivals_reads_database_password,
    google_project_iam_member.eventarc_receiver,
    google_project_iam_member.gcs_publishes_eventarc,
  ]
}

# Each function had a resource of its own before they shared this one: the moves keep the deployed
# functions (no replacement on the next plan).
moved {
  from = google_cloudfunctions2_function.push[0]
  to   = google_cloudfunctions2_function.function["push"]
}

moved {
  from = google_cloudfunctions2_function.relay
  to   = google_cloudfunctions2_function.function["relay"]
}

moved {
  from = google_cloudfunctions2_function.sweep
  to   = google_cloudfunctions2_function.function["sweep"]
}

moved {
  from = google_cloudfunctions2_function.arrivals
  to   = google_cloudfunctions2_function.function["arrivals"]
}

# the object functions keep their keys (the vendor bucket names)
moved {
  from = google_cloudfunctions2_function.object
  to   = google_cloudfunctions2_function.function
}
