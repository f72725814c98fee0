# Vendor buckets: versioned (each write is its own generation, ingested once), uniform access (IAM only,
# no ACLs), public access prevented, old generations expire, processed objects move to cheaper storage.
resource "google_storage_bucket" "vendor" {
  for_each = local.vendor_buckets

  name                        = each.key
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # Vendor files are the source of truth for replays: terraform destroy must not empty the bucket.
  force_destroy = false
  labels        = local.labels

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age        = var.nearline_after_days
      with_state = "LIVE"
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 7
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }
}

# Function sources: the built jar, zipped as Cloud Functions expects, named by its hash so that a new
# build deploys a new revision.
resource "google_storage_bucket" "sources" {
  name                        = "${var.project_id}-${var.name_prefix}-sources"
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = local.labels

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 5
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

data "archive_file" "functions" {
  type        = "zip"
  source_file = var.functions_jar
  output_path = "${path.module}/.build/inlet-functions-gcp.zip"
}

resource "google_storage_bucket_object" "functions" {
  name   = "inlet-functions-gcp-${data.archive_file.functions.output_sha256}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.functions.output_path
}

# Cloud Storage -> Pub/Sub notifications, one per feed prefix. OBJECT_DELETE and OBJECT_ARCHIVE let the
# function record deletions (and recognise overwrites by overwrittenByGeneration).
resource "google_storage_notification" "vendor" {
  for_each = local.pubsub_objects ? local.vendor_prefixes : {}

  bucket             = google_storage_bucket.vendor[each.value.bucket].name
  payload_format     = "JSON_API_V1"
  topic              = module.objects.topics["objects"].id
  object_name_prefix = each.value.prefix
  event_types        = ["OBJECT_FINALIZE", "OBJECT_DELETE", "OBJECT_ARCHIVE"]

  depends_on = [google_pubsub_topic_iam_member.objects_gcs_publisher]
}
