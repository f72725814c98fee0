variable "project_id" {
  description = "Google Cloud project that hosts Inlet."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid project id (6-30 lowercase letters, digits, hyphens)."
  }
}

variable "region" {
  description = "Region of the functions, Pub/Sub-facing services, Cloud SQL and Cloud Scheduler."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; lets two Inlet deployments share a project."
  type        = string
  default     = "inlet"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.name_prefix))
    error_message = "name_prefix must be 2-15 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "labels" {
  description = "Labels put on every resource that takes them."
  type        = map(string)
  default     = {}
}

variable "functions_jar" {
  description = "Path of the built functions artefact, functions-gcp/target/deploy/inlet-functions-gcp.jar after ./mvnw -pl functions-gcp -am package. No default: a relative path is read from the directory terraform runs in, which the module cannot know (examples/basic builds it from path.root)."
  type        = string

  validation {
    condition     = endswith(var.functions_jar, ".jar")
    error_message = "functions_jar must point at the inlet-functions-gcp jar."
  }
}

variable "feeds_location" {
  description = "INLET_FEEDS: classpath:feeds.yaml (the feeds file bundled into the jar by ./mvnw -pl functions-gcp -am clean package -Dinlet.feeds=path/feeds.yaml) or gs://bucket/key (read once per instance; the module grants the functions read access to that one object). A plain path does not work: Cloud Functions runs the jar unextracted and ships no other file."
  type        = string
  default     = "classpath:feeds.yaml"

  validation {
    condition     = can(regex("^gs://[a-z0-9._-]+/.+$", var.feeds_location)) || can(regex("^classpath:[^/].*$", var.feeds_location))
    error_message = "feeds_location must be classpath:feeds.yaml (bundled in the jar) or gs://bucket/key; a path names no file on Cloud Functions."
  }
}

variable "channel" {
  description = "INLET_CHANNEL: the name this deployment records as the source channel."
  type        = string
  default     = "gcp"

  validation {
    condition     = can(regex("^[a-z0-9-]{1,32}$", var.channel))
    error_message = "channel must be 1-32 of a-z, 0-9, '-'."
  }
}

variable "vendor_buckets" {
  description = "Vendor buckets to create, each with the object name prefixes Inlet reads (one per feed) and, optionally, the receipts prefix its feeds write receipts under (the receipts.prefix of those feeds in the feeds file; null: no receipts and no write grant)."
  type = list(object({
    name            = string
    prefixes        = list(string)
    receipts_prefix = optional(string)
  }))

  validation {
    condition     = length(var.vendor_buckets) > 0
    error_message = "At least one vendor bucket is required."
  }
  validation {
    condition = alltrue([
      for b in var.vendor_buckets : length(b.prefixes) > 0 && alltrue([
        for p in b.prefixes : can(regex("^[^/].*/$", p))
      ])
    ])
    error_message = "Every vendor bucket needs prefixes that do not start with '/' and end with '/'."
  }
  validation {
    condition     = alltrue([for b in var.vendor_buckets : can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", b.name))])
    error_message = "Vendor bucket names must be valid Cloud Storage bucket names."
  }
  validation {
    condition = alltrue([
      for b in var.vendor_buckets : b.receipts_prefix == null ? true : (can(regex("^[^/].*/$", b.receipts_prefix)) && !strcontains(b.receipts_prefix, ".."))
    ])
    error_message = "A receipts_prefix is a folder such as \"receipts/\": it does not start with '/', ends with '/' and has no '..'."
  }
}

variable "claim_check_allowed_buckets" {
  description = "Partner buckets an inbound claim-check pointer may name (INLET_CLAIM_CHECK_ALLOWED_BUCKETS on the push function); the ingest account may read their objects (roles/storage.objectViewer), nothing else. Empty: only Inlet's own claim checks."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for b in var.claim_check_allowed_buckets : can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", b))])
    error_message = "claim_check_allowed_buckets must be valid Cloud Storage bucket names."
  }
}

variable "object_trigger" {
  description = <<-EOT
    How a written object reaches Inlet. "pubsub" (default): Cloud Storage notifications (JSON_API_V1,
    filtered by prefix) to a topic whose push subscription, with a dead-letter topic and retry policy,
    calls PubSubPushFunction. "eventarc": an Eventarc storage.object.v1.finalized trigger per bucket calls
    GcsObjectFunction (no prefix filter and no dead-letter topic of ours: see docs/deploy.md).
  EOT
  type        = string
  default     = "pubsub"

  validation {
    condition     = contains(["pubsub", "eventarc"], var.object_trigger)
    error_message = "object_trigger must be \"pubsub\" or \"eventarc\"."
  }
}

variable "inbound_topics" {
  description = "Topics of business events Inlet consumes (push to PubSubPushFunction); ordered = message ordering on."
  type = list(object({
    name    = string
    ordered = bool
  }))
  default = []

  validation {
    condition     = alltrue([for t in var.inbound_topics : can(regex("^[a-z][a-z0-9-]{0,39}$", t.name))])
    error_message = "Inbound topic names must be 1-40 lowercase letters, digits or hyphens."
  }
}

variable "destinations" {
  description = "Destination topics of derived events; ordered = the stream id is the ordering key and the subscription orders."
  type = list(object({
    name    = string
    ordered = bool
  }))
  default = []

  validation {
    condition     = alltrue([for d in var.destinations : can(regex("^[a-z][a-z0-9-]{0,39}$", d.name))])
    error_message = "Destination names must be 1-40 lowercase letters, digits or hyphens."
  }
  validation {
    condition     = length(distinct([for d in var.destinations : d.name])) == length(var.destinations)
    error_message = "Destination names must be unique."
  }
}

variable "create_database" {
  description = "true: create a Cloud SQL for PostgreSQL instance (private IP) and its password secret; false: use an existing database."
  type        = bool
  default     = false
}

variable "database_tier" {
  description = "Cloud SQL machine tier when create_database is true."
  type        = string
  default     = "db-custom-2-7680"
}

variable "database_high_availability" {
  description = "Regional (HA) Cloud SQL instance when create_database is true."
  type        = bool
  default     = true
}

variable "existing_database_url" {
  description = "JDBC URL of an existing PostgreSQL (create_database = false)."
  type        = string
  default     = ""

  validation {
    condition     = var.existing_database_url == "" || startswith(var.existing_database_url, "jdbc:postgresql://")
    error_message = "existing_database_url must start with jdbc:postgresql://."
  }

  validation {
    condition     = var.existing_database_url == "" || can(regex("[?&]sslmode=verify-full(&|$)", var.existing_database_url))
    error_message = "existing_database_url must verify the server: add sslmode=verify-full (with sslrootcert, docs/deploy.md)."
  }
}

variable "migration_image" {
  description = "Container image with a Java 17+ runtime (java on the PATH) in which the migration job runs the functions jar."
  type        = string
  default     = "gcr.io/distroless/java17-debian12"
}

variable "migration_timeout_seconds" {
  description = "Time the migration job may take (schema, event tables, login users) before the apply fails."
  type        = number
  default     = 600

  validation {
    condition     = var.migration_timeout_seconds >= 60 && var.migration_timeout_seconds <= 3600
    error_message = "migration_timeout_seconds must be within 60..3600."
  }
}

variable "existing_password_secret_id" {
  description = "Secret Manager secret id holding the password of the existing database's admin user (database_user: owns the schema, has CREATEROLE); only the migration job reads it (create_database = false)."
  type        = string
  default     = ""
}

variable "existing_vpc_connector" {
  description = "Serverless VPC Access connector id the functions use to reach an existing private database; empty for none."
  type        = string
  default     = ""
}

variable "database_user" {
  description = "Database user the functions connect as."
  type        = string
  default     = "inlet"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_user))
    error_message = "database_user must be a plain PostgreSQL identifier."
  }
}

variable "database_connections" {
  description = "Connections the database can give Inlet; the instance caps of the functions are cut from it."
  type        = number
  default     = 40

  validation {
    condition     = var.database_connections >= 4 && var.database_connections <= 5000
    error_message = "database_connections must be within 4..5000."
  }
}

variable "function_timeout_seconds" {
  description = "Timeout of the ingest functions; also the ack deadline of the push subscriptions (Pub/Sub allows at most 600)."
  type        = number
  default     = 300

  validation {
    condition     = var.function_timeout_seconds >= 60 && var.function_timeout_seconds <= 540
    error_message = "function_timeout_seconds must be within 60..540 (event-driven functions stop at 540 s)."
  }
}

variable "relay_timeout_seconds" {
  description = "Timeout of the outbox relay function."
  type        = number
  default     = 120

  validation {
    condition     = var.relay_timeout_seconds >= 30 && var.relay_timeout_seconds <= 1800
    error_message = "relay_timeout_seconds must be within 30..1800 (Cloud Scheduler's HTTP attempt deadline)."
  }
}

variable "tracing" {
  description = "Where the functions send their spans (INLET_TRACING): cloud-trace (Cloud Trace, with roles/cloudtrace.agent) or off."
  type        = string
  default     = "cloud-trace"

  validation {
    condition     = contains(["cloud-trace", "off"], var.tracing)
    error_message = "tracing must be cloud-trace or off."
  }
}

variable "trace_sample_ratio" {
  description = "Share of the traces that start in a function (a delivery without a traceparent) that are recorded (INLET_TRACE_SAMPLE_RATIO); a delivery with a traceparent follows its sampled flag."
  type        = number
  default     = 0.1

  validation {
    condition     = var.trace_sample_ratio >= 0 && var.trace_sample_ratio <= 1
    error_message = "trace_sample_ratio must be within 0..1."
  }
}

variable "function_memory" {
  description = "Memory of each function."
  type        = string
  default     = "1Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.function_memory))
    error_message = "function_memory must look like 512Mi or 1Gi."
  }
}

variable "max_delivery_attempts" {
  description = "Deliveries before a message goes to its dead-letter topic."
  type        = number
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be within 5..100 (Pub/Sub's limits)."
  }
}

variable "retry_minimum_backoff_seconds" {
  description = "Minimum exponential backoff between redeliveries."
  type        = number
  default     = 10

  validation {
    condition     = var.retry_minimum_backoff_seconds >= 0 && var.retry_minimum_backoff_seconds <= 600
    error_message = "retry_minimum_backoff_seconds must be within 0..600."
  }
}

variable "retry_maximum_backoff_seconds" {
  description = "Maximum exponential backoff between redeliveries."
  type        = number
  default     = 600

  validation {
    condition     = var.retry_maximum_backoff_seconds >= 0 && var.retry_maximum_backoff_seconds <= 600
    error_message = "retry_maximum_backoff_seconds must be within 0..600."
  }
}

variable "message_retention_seconds" {
  description = "How long an unacknowledged message stays on a source subscription."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 600 && var.message_retention_seconds <= 604800
    error_message = "message_retention_seconds must be within 600..604800 (10 minutes to 7 days)."
  }
}

variable "relay_schedule" {
  description = "Cron schedule of the outbox relay (Cloud Scheduler, UTC)."
  type        = string
  default     = "* * * * *"

  validation {
    condition     = length(split(" ", var.relay_schedule)) == 5
    error_message = "relay_schedule must be a five-field cron expression."
  }
}

variable "nearline_after_days" {
  description = "Age after which vendor objects (processed within minutes) move to Nearline."
  type        = number
  default     = 30

  validation {
    condition     = var.nearline_after_days >= 30
    error_message = "nearline_after_days must be at least 30 (Nearline's minimum storage duration)."
  }
}

variable "noncurrent_version_days" {
  description = "Days a noncurrent (overwritten or deleted) object version is kept."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "alert_email" {
  description = "E-mail address that receives the alerts; empty for no notification channel."
  type        = string
  default     = ""

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@ ]+@[^@ ]+$", var.alert_email))
    error_message = "alert_email must be an e-mail address."
  }
}

variable "oldest_message_alert_seconds" {
  description = "Alert when the oldest unacknowledged message of a source subscription is older than this."
  type        = number
  default     = 900

  validation {
    condition     = var.oldest_message_alert_seconds >= 60
    error_message = "oldest_message_alert_seconds must be at least 60."
  }
}

variable "relay_max_attempts" {
  description = "Failed publish attempts after which an outbox row is blocked (INLET_RELAY_MAX_ATTEMPTS): kept, holding its stream, alerted on."
  type        = number
  default     = 20

  validation {
    condition     = var.relay_max_attempts >= 1 && var.relay_max_attempts <= 1000
    error_message = "relay_max_attempts must be within 1..1000."
  }
}

variable "outbox_lag_alert_seconds" {
  description = "Alert when derived events wait in the outbox longer than this (log field outbox_lag_seconds)."
  type        = number
  default     = 300

  validation {
    condition     = var.outbox_lag_alert_seconds >= 10
    error_message = "outbox_lag_alert_seconds must be at least 10."
  }
}
