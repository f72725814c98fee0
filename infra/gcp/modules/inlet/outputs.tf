output "vendor_buckets" {
  description = "Vendor bucket names."
  value       = [for b in google_storage_bucket.vendor : b.name]
}

output "objects_topic" {
  description = "Topic receiving the Cloud Storage notifications (pubsub trigger)."
  value       = local.pubsub_objects ? module.objects.topics["objects"].id : null
}

output "destination_topics" {
  description = "Destination topics by logical name (INLET_DESTINATIONS)."
  value       = { for name, topic in module.destinations.topics : name => topic.id }
}

output "dead_letter_subscriptions" {
  description = "Subscriptions holding dead letters, to inspect and redrive."
  value = concat(
    values(module.objects.dead_letter_subscriptions),
    values(module.inbound.dead_letter_subscriptions),
    values(module.destinations.dead_letter_subscriptions),
  )
}

output "relay_uri" {
  description = "URI of the relay function (invoke with an identity that has run.invoker)."
  value       = google_cloudfunctions2_function.function["relay"].service_config[0].uri
}

output "database_password_secret" {
  description = "Secret Manager secret holding the database password."
  value       = local.password_secret_id
}

output "login_secrets" {
  description = "Secret Manager secret per role (ingest, relay, reader) holding its login user's password; the user names are in login_users."
  value       = { for role, secret in google_secret_manager_secret.login : role => secret.secret_id }
}

output "login_users" {
  description = "PostgreSQL login user per role, created and kept up to date by the migration job."
  value       = local.login_users
}

output "migration_job" {
  description = "Cloud Run job that migrates the database; run it again with gcloud run jobs execute after rotating a login password."
  value       = google_cloud_run_v2_job.migrate.name
}
