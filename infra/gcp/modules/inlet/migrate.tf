# The deployment's database step: a Cloud Run job (io.inlet.gcp.migrate.MigrationJob, from the same jar
# as the functions) that applies the schema, creates every feed's event table and creates or updates
# the login users of the three roles of V10__roles_and_grants.sql with the passwords in their secrets.
#
# Terraform runs it and waits for it: run_execution_token makes the job "ready" only once an execution
# has completed successfully, and a new token (a new jar, feeds location, user or password version)
# starts a new execution on update. Every function depends on the job, so none is deployed against a
# database without the schema or before its login user exists; a failed execution fails the apply.

locals {
  login_roles = {
    ingest = "inlet_ingest"
    relay  = "inlet_relay"
    reader = "inlet_reader"
  }
  # The group's name and the prefix's, so that deployments sharing a database do not share users.
  login_users = { for role, group in local.login_roles : role => "${group}_${replace(var.name_prefix, "-", "_")}" }

  database_ca_mount = "/etc/inlet-db-ca"
  migration_token = substr(sha256(join(",", concat(
    [data.archive_file.functions.output_sha256, var.feeds_location, local.database_url],
    [for role in keys(local.login_roles) : "${local.login_users[role]}=${google_secret_manager_secret_version.login[role].name}"],
  ))), 0, 20)
}

resource "random_password" "login" {
  for_each = local.login_roles

  length  = 32
  special = false
}

resource "google_secret_manager_secret" "login" {
  for_each = local.login_roles

  secret_id = "${var.name_prefix}-db-${each.key}"
  labels    = merge(local.labels, { database_role = each.value })

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "login" {
  for_each = local.login_roles

  secret      = google_secret_manager_secret.login[each.key].id
  secret_data = random_password.login[each.key].result
}

resource "google_service_account" "migrate" {
  account_id   = "${var.name_prefix}-migrate"
  display_name = "Inlet migration job: the admin and role secrets, the functions jar, the feeds file"
}

# The admin (master) password: only the migration reads it.
resource "google_secret_manager_secret_iam_member" "migrate_reads_admin_password" {
  secret_id = local.password_secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.migrate.email}"
}

resource "google_secret_manager_secret_iam_member" "migrate_reads_login_passwords" {
  for_each = local.login_roles

  secret_id = google_secret_manager_secret.login[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.migrate.email}"
}

resource "google_storage_bucket_iam_member" "migrate_reads_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.migrate.email}"
}

resource "google_storage_bucket_iam_member" "migrate_reads_feeds_file" {
  count = local.feeds_object == null ? 0 : 1

  bucket = local.feeds_object[0]
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.migrate.email}"

  condition {
    title      = "feeds file"
    expression = "resource.name == \"projects/_/buckets/${local.feeds_object[0]}/objects/${local.feeds_object[1]}\""
  }
}

# The jar itself (the functions' source is the same jar zipped): the job mounts the sources bucket and runs it.
resource "google_storage_bucket_object" "migration_jar" {
  name   = "inlet-functions-gcp-${data.archive_file.functions.output_sha256}.jar"
  bucket = google_storage_bucket.sources.name
  source = var.functions_jar
}

resource "google_cloud_run_v2_job" "migrate" {
  name                = "${var.name_prefix}-migrate"
  location            = var.region
  labels              = local.labels
  deletion_protection = false
  run_execution_token = local.migration_token

  template {
    task_count = 1

    template {
      service_account = google_service_account.migrate.email
      timeout         = "${var.migration_timeout_seconds}s"
      max_retries     = 0

      dynamic "vpc_access" {
        for_each = local.vpc_connector == null ? [] : [local.vpc_connector]
        content {
          connector = vpc_access.value
          egress    = "PRIVATE_RANGES_ONLY"
        }
      }

      containers {
        image   = var.migration_image
        command = ["java"]
        args    = ["-cp", "/inlet/sources/${google_storage_bucket_object.migration_jar.name}", "io.inlet.gcp.migrate.MigrationJob"]

        env {
          name  = "INLET_FEEDS"
          value = var.feeds_location
        }
        env {
          name  = "INLET_DATABASE_URL"
          value = local.database_url
        }
        env {
          name  = "INLET_DATABASE_INSTANCE"
          value = local.database_instance
        }
        env {
          name  = "INLET_DATABASE_USER"
          value = var.database_user
        }
        env {
          name = "INLET_DATABASE_PASSWORD"
          value_source {
            secret_key_ref {
              secret  = local.password_secret_id
              version = "latest"
            }
          }
        }
        dynamic "env" {
          for_each = local.login_users
          content {
            name  = "INLET_LOGIN_USER_${upper(env.key)}"
            value = env.value
          }
        }
        dynamic "env" {
          for_each = local.login_roles
          content {
            name = "INLET_LOGIN_PASSWORD_${upper(env.key)}"
            value_source {
              secret_key_ref {
                secret  = google_secret_manager_secret.login[env.key].secret_id
                version = "latest"
              }
            }
          }
        }

        volume_mounts {
          name       = "sources"
          mount_path = "/inlet/sources"
        }
        dynamic "volume_mounts" {
          for_each = var.create_database ? [1] : []
          content {
            name       = "database-ca"
            mount_path = local.database_ca_mount
          }
        }
      }

      volumes {
        name = "sources"
        gcs {
          bucket    = google_storage_bucket.sources.name
          read_only = true
        }
      }
      dynamic "volumes" {
        for_each = var.create_database ? [1] : []
        content {
          name = "database-ca"
          secret {
            secret = google_secret_manager_secret.database_ca[0].secret_id
            items {
              version = "latest"
              path    = "server-ca.pem"
            }
          }
        }
      }
    }
  }

  depends_on = [
    google_project_service.required,
    google_sql_database.inlet,
    google_sql_user.inlet,
    google_secret_manager_secret_version.database_password,
    google_secret_manager_secret_version.database_ca,
    google_secret_manager_secret_version.login,
    google_secret_manager_secret_iam_member.migrate_reads_admin_password,
    google_secret_manager_secret_iam_member.migrate_reads_login_passwords,
    google_secret_manager_secret_iam_member.database_ca_reader,
    google_storage_bucket_iam_member.migrate_reads_sources,
    google_storage_bucket_iam_member.migrate_reads_feeds_file,
  ]
}
