# Inlet on GCP with the settings most deployments change; every other input of the module keeps its
# default (see ../../modules/inlet/variables.tf). From a registry or Git, use for example
#   source = "git::https://example.com/acme/inlet.git//infra/gcp/modules/inlet?ref=v0.1.0"
module "inlet" {
  source = "../../modules/inlet"

  project_id     = var.project_id
  region         = var.region
  name_prefix    = var.name_prefix
  channel        = var.channel
  feeds_location = var.feeds_location
  functions_jar  = var.functions_jar != "" ? var.functions_jar : "${path.root}/../../../../functions-gcp/target/deploy/inlet-functions-gcp.jar"

  vendor_buckets = var.vendor_buckets
  inbound_topics = var.inbound_topics
  destinations   = var.destinations

  claim_check_allowed_buckets = var.claim_check_allowed_buckets

  create_database             = var.create_database
  database_tier               = var.database_tier
  existing_database_url       = var.existing_database_url
  existing_password_secret_id = var.existing_password_secret_id
  existing_vpc_connector      = var.existing_vpc_connector

  database_connections     = var.database_connections
  function_timeout_seconds = var.function_timeout_seconds
  max_delivery_attempts    = var.max_delivery_attempts
  alert_email              = var.alert_email
}
