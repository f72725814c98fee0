# Optional Cloud SQL for PostgreSQL with a private IP only, reached through a Serverless VPC Access
# connector; its password lives in Secret Manager and nowhere else.

resource "google_compute_network" "inlet" {
  count = var.create_database ? 1 : 0

  name                    = "${var.name_prefix}-network"
  auto_create_subnetworks = false
}

resource "google_compute_global_address" "sql_range" {
  count = var.create_database ? 1 : 0

  name          = "${var.name_prefix}-sql-range"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.inlet[0].id
}

resource "google_service_networking_connection" "sql" {
  count = var.create_database ? 1 : 0

  network                 = google_compute_network.inlet[0].id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.sql_range[0].name]
}

resource "google_vpc_access_connector" "inlet" {
  count = var.create_database ? 1 : 0

  name          = "${var.name_prefix}-connector"
  region        = var.region
  network       = google_compute_network.inlet[0].name
  ip_cidr_range = "10.8.0.0/28"
  min_instances = 2
  max_instances = 3
}

resource "google_sql_database_instance" "inlet" {
  count = var.create_database ? 1 : 0

  name                = "${var.name_prefix}-postgres"
  region              = var.region
  database_version    = "POSTGRES_17"
  deletion_protection = true

  settings {
    tier              = var.database_tier
    edition           = "ENTERPRISE"
    availability_type = var.database_high_availability ? "REGIONAL" : "ZONAL"
    user_labels       = local.labels

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.inlet[0].id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    database_flags {
      name  = "max_connections"
      value = tostring(max(100, var.database_connections + 20))
    }
  }

  depends_on = [google_service_networking_connection.sql]
}

resource "google_sql_database" "inlet" {
  count = var.create_database ? 1 : 0

  name     = "inlet"
  instance = google_sql_database_instance.inlet[0].name
}

resource "random_password" "database" {
  count = var.create_database ? 1 : 0

  length  = 32
  special = false
}

resource "google_sql_user" "inlet" {
  count = var.create_database ? 1 : 0

  name     = var.database_user
  instance = google_sql_database_instance.inlet[0].name
  password = random_password.database[0].result
}

resource "google_secret_manager_secret" "database_password" {
  count = var.create_database ? 1 : 0

  secret_id = "${var.name_prefix}-database-password"
  labels    = local.labels

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "database_password" {
  count = var.create_database ? 1 : 0

  secret      = google_secret_manager_secret.database_password[0].id
  secret_data = random_password.database[0].result
}

# The instance's server CA, for sslmode=verify-full: mounted as a file into the functions and the
# migration job (pgjdbc's sslrootcert). Not a secret, but Secret Manager is what both can mount.
resource "google_secret_manager_secret" "database_ca" {
  count = var.create_database ? 1 : 0

  secret_id = "${var.name_prefix}-database-ca"
  labels    = local.labels

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "database_ca" {
  count = var.create_database ? 1 : 0

  secret      = google_secret_manager_secret.database_ca[0].id
  secret_data = google_sql_database_instance.inlet[0].server_ca_cert[0].cert
}
