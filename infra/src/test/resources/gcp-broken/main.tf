# Deliberately broken: every resource here breaks one of the invariants TerraformInvariants checks.

resource "google_storage_bucket" "open" {
  name     = "open-bucket"
  location = "EU"
}

resource "google_pubsub_topic" "events" {
  name = "events"
}

resource "google_pubsub_topic" "events_dead_letter" {
  name = "events-dead-letter"
}

# No dead_letter_policy, no retry_policy, default expiration.
resource "google_pubsub_subscription" "careless" {
  name  = "careless"
  topic = google_pubsub_topic.events.id
}

# Dead-letters, but nobody granted the Pub/Sub service agent publisher on the DLQ topic or subscriber here.
resource "google_pubsub_subscription" "ungranted" {
  name  = "ungranted"
  topic = google_pubsub_topic.events.id

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.events_dead_letter.id
    max_delivery_attempts = 5
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_project_iam_member" "too_broad" {
  project = "acme"
  role    = "roles/editor"
  member  = "serviceAccount:inlet@acme.iam.gserviceaccount.com"
}

resource "google_storage_bucket_iam_member" "public" {
  bucket = google_storage_bucket.open.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_cloudfunctions2_function" "unbounded" {
  name     = "unbounded"
  location = "europe-west1"

  service_config {
    environment_variables = {
      INLET_DATABASE_PASSWORD = "hunter2"
    }
  }
}

# One resource for several functions, as the module's functions.tf: the definitions are checked.
locals {
  function_definitions = {
    careless = {
      environment = {
        INLET_DATABASE_PASSWORD = "hunter2"
      }
    }
  }
}

resource "google_cloudfunctions2_function" "function" {
  for_each = local.function_definitions
  name     = each.key
  location = "europe-west1"

  service_config {
    max_instance_count    = each.value.max_instances
    environment_variables = each.value.environment
  }
}
