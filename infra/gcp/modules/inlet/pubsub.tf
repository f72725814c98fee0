# Naming: source subscriptions are "<prefix>-src-*", the subscriptions that hold dead letters are
# "<prefix>-dlq-*"; the alert policies select them by these names.

locals {
  retry_minimum_backoff = "${var.retry_minimum_backoff_seconds}s"
  retry_maximum_backoff = "${var.retry_maximum_backoff_seconds}s"
  source_retention      = "${var.message_retention_seconds}s"
  # Dead letters are kept for Pub/Sub's maximum, to be inspected and redriven.
  dead_letter_retention = "604800s"

  # Every stream (source topic and subscription, dead-letter topic and subscription, the service agent's
  # grants) is made by the stream module (stream/main.tf), once per kind below; this is what they share.
  stream_settings = {
    max_delivery_attempts = var.max_delivery_attempts
    minimum_backoff       = local.retry_minimum_backoff
    maximum_backoff       = local.retry_maximum_backoff
    source_retention      = local.source_retention
    dead_letter_retention = local.dead_letter_retention
    pubsub_service_agent  = local.pubsub_service_agent
    labels                = local.labels
  }
  push_to_function = local.ingest_function_count == 0 ? null : {
    endpoint              = google_cloudfunctions2_function.function["push"].service_config[0].uri
    service_account_email = google_service_account.push_invoker.email
  }
}

# ---- objects: Cloud Storage notifications -> push -> PubSubPushFunction ----------------------------

module "objects" {
  source = "./stream"

  streams = local.pubsub_objects ? {
    objects = {
      topic                    = "${var.name_prefix}-objects"
      dead_letter_topic        = "${var.name_prefix}-objects-dead-letter"
      subscription             = "${var.name_prefix}-src-objects"
      dead_letter_subscription = "${var.name_prefix}-dlq-objects"
    }
  } : {}
  push                 = local.push_to_function
  ack_deadline_seconds = var.function_timeout_seconds
  settings             = local.stream_settings
}

resource "google_pubsub_topic_iam_member" "objects_gcs_publisher" {
  count = local.pubsub_objects ? 1 : 0

  topic  = module.objects.topics["objects"].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

# ---- inbound business events -> push -> PubSubPushFunction ----------------------------------------

module "inbound" {
  source = "./stream"

  streams = {
    for name, t in local.inbound : name => {
      topic                    = "${var.name_prefix}-in-${name}"
      dead_letter_topic        = "${var.name_prefix}-in-${name}-dead-letter"
      subscription             = "${var.name_prefix}-src-${name}"
      dead_letter_subscription = "${var.name_prefix}-dlq-in-${name}"
      ordered                  = t.ordered
    }
  }
  push                 = local.push_to_function
  ack_deadline_seconds = var.function_timeout_seconds
  settings             = local.stream_settings
}

# ---- destinations: derived events published by the relay ------------------------------------------
# Each gets a pull subscription for its consumers; ordered destinations order by the stream id.

module "destinations" {
  source = "./stream"

  streams = {
    for name, d in local.destinations : name => {
      topic                    = "${var.name_prefix}-${name}"
      dead_letter_topic        = "${var.name_prefix}-${name}-dead-letter"
      subscription             = "${var.name_prefix}-src-${name}-consumer"
      dead_letter_subscription = "${var.name_prefix}-dlq-${name}"
      ordered                  = d.ordered
    }
  }
  ack_deadline_seconds = 60
  settings             = local.stream_settings
}

# Each kind of stream had resources of its own before the stream module: the moves keep the deployed
# topics and subscriptions (and their messages) in place.

moved {
  from = google_pubsub_topic.objects[0]
  to   = module.objects.google_pubsub_topic.source["objects"]
}

moved {
  from = google_pubsub_topic.objects_dead_letter[0]
  to   = module.objects.google_pubsub_topic.dead_letter["objects"]
}

moved {
  from = google_pubsub_subscription.objects[0]
  to   = module.objects.google_pubsub_subscription.source["objects"]
}

moved {
  from = google_pubsub_subscription.objects_dead_letter[0]
  to   = module.objects.google_pubsub_subscription.dead_letter["objects"]
}

moved {
  from = google_pubsub_topic_iam_member.objects_dead_letter_publisher[0]
  to   = module.objects.google_pubsub_topic_iam_member.dead_letter_publisher["objects"]
}

moved {
  from = google_pubsub_subscription_iam_member.objects_dead_letter_subscriber[0]
  to   = module.objects.google_pubsub_subscription_iam_member.dead_letter_subscriber["objects"]
}

moved {
  from = google_pubsub_topic.inbound
  to   = module.inbound.google_pubsub_topic.source
}

moved {
  from = google_pubsub_topic.inbound_dead_letter
  to   = module.inbound.google_pubsub_topic.dead_letter
}

moved {
  from = google_pubsub_subscription.inbound
  to   = module.inbound.google_pubsub_subscription.source
}

moved {
  from = google_pubsub_subscription.inbound_dead_letter
  to   = module.inbound.google_pubsub_subscription.dead_letter
}

moved {
  from = google_pubsub_topic_iam_member.inbound_dead_letter_publisher
  to   = module.inbound.google_pubsub_topic_iam_member.dead_letter_publisher
}

moved {
  from = google_pubsub_subscription_iam_member.inbound_dead_letter_subscriber
  to   = module.inbound.google_pubsub_subscription_iam_member.dead_letter_subscriber
}

moved {
  from = google_pubsub_topic.destination
  to   = module.destinations.google_pubsub_topic.source
}

moved {
  from = google_pubsub_topic.destination_dead_letter
  to   = module.destinations.google_pubsub_topic.dead_letter
}

moved {
  from = google_pubsub_subscription.destination
  to   = module.destinations.google_pubsub_subscription.source
}

moved {
  from = google_pubsub_subscription.destination_dead_letter
  to   = module.destinations.google_pubsub_subscription.dead_letter
}

moved {
  from = google_pubsub_topic_iam_member.destination_dead_letter_publisher
  to   = module.destinations.google_pubsub_topic_iam_member.dead_letter_publisher
}

moved {
  from = google_pubsub_subscription_iam_member.destination_dead_letter_subscriber
  to   = module.destinations.google_pubsub_subscription_iam_member.dead_letter_subscriber
}
