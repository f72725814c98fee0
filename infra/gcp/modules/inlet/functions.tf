# Cloud Run functions (2nd gen) on the java21 runtime (the jar is Java 17 bytecode), all built from the one
# jar. Instance caps come from the database connection budget (main.tf), so a burst of notifications cannot exhaust PostgreSQL.

resource "google_cloudfunctions2_function" "push" {
  count = local.ingest_function_count

  name        = "${var.name_prefix}-ingest-push"
  location    = var.region
  description = "Inlet: Cloud Storage notifications and business events from push subscriptions"
  labels      = local.labels

  build_config {
    runtime     = "java21"
    entry_point = "io.inlet.gcp.PubSubPushFunction"
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.ingest.email
    timeout_seconds                  = var.function_timeout_seconds
    available_memory                 = var.function_memory
    max_instance_count               = local.ingest_max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    vpc_connector                    = local.vpc_connector
    vpc_connector_egress_settings    = local.vpc_connector == null ? null : "PRIVATE_RANGES_ONLY"
    environment_variables            = merge(local.push_environment, { INLET_DATABASE_USER = local.login_users["ingest"] })

    secret_environment_variables {
      key        = "INLET_DATABASE_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.login["ingest"].secret_id
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

  # after the migration job: the schema and this function's login user exist (migrate.tf)
  depends_on = [google_cloud_run_v2_job.migrate, google_project_service.required, google_secret_manager_secret_iam_member.database_password_reader]
}

# Eventarc variant: one function per vendor bucket (an Eventarc storage trigger filters on one bucket).
resource "google_cloudfunctions2_function" "object" {
  for_each = local.pubsub_objects ? {} : local.vendor_buckets

  name        = "${var.name_prefix}-ingest-${substr(sha256(each.key), 0, 8)}"
  location    = var.region
  description = "Inlet: objects finalized in ${each.key} (Eventarc)"
  labels      = local.labels

  build_config {
    runtime     = "java21"
    entry_point = "io.inlet.gcp.GcsObjectFunction"
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.ingest.email
    timeout_seconds                  = var.function_timeout_seconds
    available_memory                 = var.function_memory
    max_instance_count               = local.ingest_max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    vpc_connector                    = local.vpc_connector
    vpc_connector_egress_settings    = local.vpc_connector == null ? null : "PRIVATE_RANGES_ONLY"
    environment_variables            = merge(local.function_environment, { INLET_DATABASE_USER = local.login_users["ingest"] })

    secret_environment_variables {
      key        = "INLET_DATABASE_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.login["ingest"].secret_id
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

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.storage.object.v1.finalized"
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.eventarc[0].email

    event_filters {
      attribute = "bucket"
      value     = google_storage_bucket.vendor[each.key].name
    }
  }

  # after the migration job: the schema and this function's login user exist (migrate.tf)
  depends_on = [google_cloud_run_v2_job.migrate, google_project_service.required, google_project_iam_member.eventarc_receiver, google_project_iam_member.gcs_publishes_eventarc]
}

resource "google_cloudfunctions2_function" "relay" {
  name        = "${var.name_prefix}-relay"
  location    = var.region
  description = "Inlet outbox relay: publishes committed outbox rows to the destination topics"
  labels      = local.labels

  build_config {
    runtime     = "java21"
    entry_point = "io.inlet.gcp.OutboxRelayFunction"
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.relay.email
    timeout_seconds                  = var.relay_timeout_seconds
    available_memory                 = var.function_memory
    max_instance_count               = 1
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    vpc_connector                    = local.vpc_connector
    vpc_connector_egress_settings    = local.vpc_connector == null ? null : "PRIVATE_RANGES_ONLY"
    environment_variables            = merge(local.function_environment, { INLET_DATABASE_USER = local.login_users["relay"], INLET_TIMEOUT_SECONDS = tostring(var.relay_timeout_seconds), INLET_RELAY_MAX_ATTEMPTS = tostring(var.relay_max_attempts) })

    secret_environment_variables {
      key        = "INLET_DATABASE_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.login["relay"].secret_id
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

  # after the migration job: the schema and this function's login user exist (migrate.tf)
  depends_on = [google_cloud_run_v2_job.migrate, google_project_service.required, google_secret_manager_secret_iam_member.database_password_reader]
}
