output "vendor_buckets" {
  description = "Vendor bucket names."
  value       = module.inlet.vendor_buckets
}

output "objects_topic" {
  description = "Topic receiving the Cloud Storage notifications (pubsub trigger)."
  value       = module.inlet.objects_topic
}

output "destination_topics" {
  description = "Destination topics by logical name."
  value       = module.inlet.destination_topics
}

output "dead_letter_subscriptions" {
  description = "Subscriptions holding dead letters."
  value       = module.inlet.dead_letter_subscriptions
}

output "relay_uri" {
  description = "URI of the relay function."
  value       = module.inlet.relay_uri
}

output "database_password_secret" {
  description = "Secret Manager secret holding the database password."
  value       = module.inlet.database_password_secret
}
