# A stream: a source topic with its subscription, which dead-letters after max_delivery_attempts to a
# dead-letter topic with a pull subscription that keeps the dead letters, and the Pub/Sub service
# agent's grants that dead-lettering needs. The inlet module makes its four kinds with it: the Cloud
# Storage notifications and the inbound business events, pushed to the push function, the destinations
# the relay publishes to, each with a pull subscription for its consumers (pubsub.tf), and the relay's
# wake-ups, pushed to the relay (wake.tf).

variable "streams" {
  description = <<-EOT
    The streams by key: the names of their two topics and two subscriptions, whether the source
    subscription orders by key (null: not set), and how long the source topic and subscription keep
    messages (a Pub/Sub duration; null: the topic a day, the subscription settings.source_retention).
  EOT
  type = map(object({
    topic                    = string
    dead_letter_topic        = string
    subscription             = string
    dead_letter_subscription = string
    ordered                  = optional(bool)
    retention                = optional(string)
  }))
}

variable "push" {
  description = "Where the source subscriptions push (a function's URI, and the account that signs the calls: the push invoker), or null for pull subscriptions."
  type = object({
    endpoint              = string
    service_account_email = string
  })
  default = null
}

variable "ack_deadline_seconds" {
  description = "Ack deadline of the source subscriptions: as long as the function they push to may run."
  type        = number
}

variable "settings" {
  description = <<-EOT
    What every stream of the deployment shares: deliveries before dead-lettering, the backoff between
    redeliveries and the retention of source and dead-letter messages (Pub/Sub durations, "10s"), the
    project's Pub/Sub service agent (it moves undeliverable messages to the dead-letter topics), labels.
  EOT
  type = object({
    max_delivery_attempts = number
    minimum_backoff       = string
    maximum_backoff       = string
    source_retention      = string
    dead_letter_retention = string
    pubsub_service_agent  = string
    labels                = map(string)
  })
}

resource "google_pubsub_topic" "source" {
  for_each = var.streams

  name                       = each.value.topic
  labels                     = var.settings.labels
  message_retention_duration = coalesce(each.value.retention, "86400s")
}

resource "google_pubsub_topic" "dead_letter" {
  for_each = var.streams

  name                       = each.value.dead_letter_topic
  labels                     = var.settings.labels
  message_retention_duration = var.settings.dead_letter_retention
}

resource "google_pubsub_subscription" "source" {
  for_each = var.streams

  name                       = each.value.subscription
  topic                      = google_pubsub_topic.source[each.key].id
  labels                     = var.settings.labels
  ack_deadline_seconds       = var.ack_deadline_seconds
  message_retention_duration = coalesce(each.value.retention, var.settings.source_retention)
  enable_message_ordering    = each.value.ordered

  dynamic "push_config" {
    for_each = var.push == null ? [] : [var.push]
    content {
      push_endpoint = push_config.value.endpoint
      oidc_token {
        service_account_email = push_config.value.service_account_email
        audience              = push_config.value.endpoint
      }
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.key].id
    max_delivery_attempts = var.settings.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = var.settings.minimum_backoff
    maximum_backoff = var.settings.maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "dead_letter" {
  for_each = var.streams

  name                       = each.value.dead_letter_subscription
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  labels                     = var.settings.labels
  ack_deadline_seconds       = 60
  message_retention_duration = var.settings.dead_letter_retention

  retry_policy {
    minimum_backoff = var.settings.minimum_backoff
    maximum_backoff = var.settings.maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering: the Pub/Sub service agent publishes to the dead-letter topic and acknowledges on the source.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = var.streams

  topic  = google_pubsub_topic.dead_letter[each.key].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${var.settings.pubsub_service_agent}"
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = var.streams

  subscription = google_pubsub_subscription.source[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${var.settings.pubsub_service_agent}"
}

output "topics" {
  description = "The source topics by stream key (id, name)."
  value       = { for key, topic in google_pubsub_topic.source : key => { id = topic.id, name = topic.name } }
}

output "dead_letter_subscriptions" {
  description = "The subscriptions holding dead letters, by stream key (ids)."
  value       = { for key, subscription in google_pubsub_subscription.dead_letter : key => subscription.id }
}
