# Naming: source subscriptions are "<prefix>-src-*", the subscriptions that hold dead letters are
# "<prefix>-dlq-*"; the alert policies select them by these names.

locals {
  retry_minimum_backoff = "${var.retry_minimum_backoff_seconds}s"
  retry_maximum_backoff = "${var.retry_maximum_backoff_seconds}s"
  source_retention      = "${var.message_retention_seconds}s"
  # Dead letters are kept for Pub/Sub's maximum, to be inspected and redriven.
  dead_letter_retention = "604800s"
}

# ---- objects: Cloud Storage notifications -> push -> PubSubPushFunction ----------------------------

resource "google_pubsub_topic" "objects" {
  count = local.pubsub_objects ? 1 : 0

  name                       = "${var.name_prefix}-objects"
  labels                     = local.labels
  message_retention_duration = "86400s"
}

resource "google_pubsub_topic" "objects_dead_letter" {
  count = local.pubsub_objects ? 1 : 0

  name                       = "${var.name_prefix}-objects-dead-letter"
  labels                     = local.labels
  message_retention_duration = local.dead_letter_retention
}

resource "google_pubsub_topic_iam_member" "objects_gcs_publisher" {
  count = local.pubsub_objects ? 1 : 0

  topic  = google_pubsub_topic.objects[0].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_pubsub_subscription" "objects" {
  count = local.pubsub_objects ? 1 : 0

  name                       = "${var.name_prefix}-src-objects"
  topic                      = google_pubsub_topic.objects[0].id
  labels                     = local.labels
  ack_deadline_seconds       = var.function_timeout_seconds
  message_retention_duration = local.source_retention

  push_config {
    push_endpoint = google_cloudfunctions2_function.function["push"].service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.push_invoker.email
      audience              = google_cloudfunctions2_function.function["push"].service_config[0].uri
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.objects_dead_letter[0].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "objects_dead_letter" {
  count = local.pubsub_objects ? 1 : 0

  name                       = "${var.name_prefix}-dlq-objects"
  topic                      = google_pubsub_topic.objects_dead_letter[0].id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = local.dead_letter_retention

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering: the Pub/Sub service agent publishes to the dead-letter topic and acknowledges on the source.
resource "google_pubsub_topic_iam_member" "objects_dead_letter_publisher" {
  count = local.pubsub_objects ? 1 : 0

  topic  = google_pubsub_topic.objects_dead_letter[0].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${local.pubsub_service_agent}"
}

resource "google_pubsub_subscription_iam_member" "objects_dead_letter_subscriber" {
  count = local.pubsub_objects ? 1 : 0

  subscription = google_pubsub_subscription.objects[0].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${local.pubsub_service_agent}"
}

# ---- inbound business events -> push -> PubSubPushFunction ----------------------------------------

resource "google_pubsub_topic" "inbound" {
  for_each = local.inbound

  name                       = "${var.name_prefix}-in-${each.key}"
  labels                     = local.labels
  message_retention_duration = "86400s"
}

resource "google_pubsub_topic" "inbound_dead_letter" {
  for_each = local.inbound

  name                       = "${var.name_prefix}-in-${each.key}-dead-letter"
  labels                     = local.labels
  message_retention_duration = local.dead_letter_retention
}

resource "google_pubsub_subscription" "inbound" {
  for_each = local.inbound

  name                       = "${var.name_prefix}-src-${each.key}"
  topic                      = google_pubsub_topic.inbound[each.key].id
  labels                     = local.labels
  ack_deadline_seconds       = var.function_timeout_seconds
  message_retention_duration = local.source_retention
  enable_message_ordering    = each.value.ordered

  push_config {
    push_endpoint = google_cloudfunctions2_function.function["push"].service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.push_invoker.email
      audience              = google_cloudfunctions2_function.function["push"].service_config[0].uri
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.inbound_dead_letter[each.key].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "inbound_dead_letter" {
  for_each = local.inbound

  name                       = "${var.name_prefix}-dlq-in-${each.key}"
  topic                      = google_pubsub_topic.inbound_dead_letter[each.key].id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = local.dead_letter_retention

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_topic_iam_member" "inbound_dead_letter_publisher" {
  for_each = local.inbound

  topic  = google_pubsub_topic.inbound_dead_letter[each.key].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${local.pubsub_service_agent}"
}

resource "google_pubsub_subscription_iam_member" "inbound_dead_letter_subscriber" {
  for_each = local.inbound

  subscription = google_pubsub_subscription.inbound[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${local.pubsub_service_agent}"
}

# ---- destinations: derived events published by the relay ------------------------------------------
# Each gets a pull subscription for its consumers; ordered destinations order by the stream id.

resource "google_pubsub_topic" "destination" {
  for_each = local.destinations

  name                       = "${var.name_prefix}-${each.key}"
  labels                     = local.labels
  message_retention_duration = "86400s"
}

resource "google_pubsub_topic" "destination_dead_letter" {
  for_each = local.destinations

  name                       = "${var.name_prefix}-${each.key}-dead-letter"
  labels                     = local.labels
  message_retention_duration = local.dead_letter_retention
}

resource "google_pubsub_subscription" "destination" {
  for_each = local.destinations

  name                       = "${var.name_prefix}-src-${each.key}-consumer"
  topic                      = google_pubsub_topic.destination[each.key].id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = local.source_retention
  enable_message_ordering    = each.value.ordered

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.destination_dead_letter[each.key].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "destination_dead_letter" {
  for_each = local.destinations

  name                       = "${var.name_prefix}-dlq-${each.key}"
  topic                      = google_pubsub_topic.destination_dead_letter[each.key].id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = local.dead_letter_retention

  retry_policy {
    minimum_backoff = local.retry_minimum_backoff
    maximum_backoff = local.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_topic_iam_member" "destination_dead_letter_publisher" {
  for_each = local.destinations

  topic  = google_pubsub_topic.destination_dead_letter[each.key].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${local.pubsub_service_agent}"
}

resource "google_pubsub_subscription_iam_member" "destination_dead_letter_subscriber" {
  for_each = local.destinations

  subscription = google_pubsub_subscription.destination[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${local.pubsub_service_agent}"
}
