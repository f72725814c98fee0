# The example's inputs; the module validates them (../../modules/inlet/variables.tf).

variable "project_id" {
  description = "GCP project to deploy into."
  type        = string
}

variable "region" {
  description = "Region of the functions, topics and database."
  type        = string
  default     = "europe-west1"
}

variable "name_prefix" {
  description = "Prefix of every resource name (two deployments in one project need two prefixes)."
  type        = string
  default     = "inlet"
}

variable "channel" {
  description = "INLET_CHANNEL of the functions."
  type        = string
  default     = "gcp"
}

variable "feeds_location" {
  description = "INLET_FEEDS: classpath:feeds.yaml (bundled with -Dinlet.feeds=path/feeds.yaml) or gs://bucket/key."
  type        = string
  default     = "classpath:feeds.yaml"
}

variable "functions_jar" {
  description = "Path of inlet-functions-gcp.jar; empty means functions-gcp/target/deploy/ of this repository."
  type        = string
  default     = ""
}

variable "vendor_buckets" {
  description = "Vendor buckets with the object name prefixes Inlet reads (one per feed)."
  type = list(object({
    name            = string
    prefixes        = list(string)
    receipts_prefix = optional(string)
  }))
}

variable "claim_check_allowed_buckets" {
  description = "Partner buckets an inbound claim-check pointer may name (read only)."
  type        = list(string)
  default     = []
}

variable "inbound_topics" {
  description = "Business-event topics Inlet consumes."
  type = list(object({
    name    = string
    ordered = bool
  }))
  default = []
}

variable "destinations" {
  description = "Destination topics the relay publishes to."
  type = list(object({
    name    = string
    ordered = bool
  }))
  default = []
}

variable "create_database" {
  description = "Create a Cloud SQL PostgreSQL instance (true) or use an existing database (false)."
  type        = bool
  default     = false
}

variable "database_tier" {
  description = "Cloud SQL machine tier when create_database is true."
  type        = string
  default     = "db-custom-2-7680"
}

variable "existing_database_url" {
  description = "JDBC URL of an existing database (create_database = false)."
  type        = string
  default     = ""
}

variable "existing_password_secret_id" {
  description = "Secret Manager secret id holding the existing database's password."
  type        = string
  default     = ""
}

variable "existing_vpc_connector" {
  description = "Serverless VPC Access connector to reach an existing private database, or empty."
  type        = string
  default     = ""
}

variable "database_connections" {
  description = "Connections Inlet may hold; the functions' instance caps are cut from it."
  type        = number
  default     = 40
}

variable "function_timeout_seconds" {
  description = "Ingest function timeout (also the push subscriptions' ack deadline)."
  type        = number
  default     = 300
}

variable "max_delivery_attempts" {
  description = "Deliveries before a message moves to its dead-letter topic."
  type        = number
  default     = 5
}

variable "alert_email" {
  description = "E-mail address for the alert policies, or empty."
  type        = string
  default     = ""
}
