package io.inlet.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The expected verdict of every sample payload of both clouds, and the objects the bucket holds. */
final class ConformanceTable {

    /**
     * Payload file (folder/cloud/name) -> one line per Delivery it decodes to, in the order the suite
     * runs them (folders own/aws, own/gcp, shared/aws, shared/gcp; files by name): later notices of a key
     * meet what earlier ones left (a stale notice, an object already completed).
     */
    static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("own/aws/eventbridge-object-created.json", List.of("notice CREATED -> DONE COMPLETED"));
        EXPECTED.put("own/aws/eventbridge-object-deleted.json", List.of("notice REMOVED -> DONE REMOVED"));
        EXPECTED.put("own/aws/s3-object-removed-delete-marker.json", List.of("notice REMOVED -> DONE REMOVED"));
        EXPECTED.put("own/aws/s3-object-removed.json", List.of("notice REMOVED -> DONE REMOVED"));
        // a removal of the key with a newer sequencer (s3-object-removed.json) came first: stale
        EXPECTED.put("own/aws/s3-put-direct.json", List.of("notice CREATED -> DONE STALE_NOTIFICATION"));
        EXPECTED.put("own/aws/s3-put-encoded-key.json", List.of("notice CREATED -> DONE COMPLETED"));
        // no such object in the bucket: the ledger records it REJECTED (object gone)
        EXPECTED.put("own/aws/s3-put-multipart.json", List.of("notice CREATED -> DONE REJECTED"));
        // the delete marker's newer sequencer came first: stale
        EXPECTED.put("own/aws/s3-put-versioned.json", List.of("notice CREATED -> DONE STALE_NOTIFICATION"));
        EXPECTED.put("own/aws/s3-test-event.json", List.of("nothing -> DONE"));
        EXPECTED.put("own/aws/sqs-business-array-attributes.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/aws/sqs-business-cloudevent.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/aws/sqs-business-event-json.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/aws/sqs-eventbridge-object-created.json", List.of("notice CREATED -> DONE COMPLETED"));
        EXPECTED.put("own/aws/sqs-fifo-batch.json", List.of("message -> DONE APPENDED", "message -> DONE APPENDED", "message -> DONE APPENDED", "message -> DONE APPENDED"));
        // not JSON: undecodable, recorded under the SQS message id
        EXPECTED.put("own/aws/sqs-poison.json", List.of("undecodable -> GAVE_UP"));
        EXPECTED.put("own/aws/sqs-s3-notification.json", List.of("notice CREATED -> DONE COMPLETED"));
        EXPECTED.put("own/aws/sqs-s3-test-event.json", List.of("nothing -> DONE"));
        EXPECTED.put("own/aws/sqs-sns-raw-s3-notification.json", List.of("notice CREATED -> DONE COMPLETED"));
        // the same object version as the raw-delivery copy before it
        EXPECTED.put("own/aws/sqs-sns-s3-notification.json", List.of("notice CREATED -> DONE ALREADY_COMPLETED"));
        EXPECTED.put("own/gcp/pubsub-business-binary-cloudevent.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/gcp/pubsub-business-plain-json-array.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/gcp/pubsub-business-plain-json.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/gcp/pubsub-business-structured-cloudevent.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/gcp/pubsub-gcs-archive-overwritten.json", List.of("notice OVERWRITTEN -> DONE"));
        EXPECTED.put("own/gcp/pubsub-gcs-archive.json", List.of("notice REMOVED -> DONE REMOVED"));
        EXPECTED.put("own/gcp/pubsub-gcs-delete-overwritten.json", List.of("notice OVERWRITTEN -> DONE"));
        EXPECTED.put("own/gcp/pubsub-gcs-delete.json", List.of("notice REMOVED -> DONE REMOVED"));
        // deletions of newer generations of the key came first: stale
        EXPECTED.put("own/gcp/pubsub-gcs-finalize-overwrote.json", List.of("notice CREATED -> DONE STALE_NOTIFICATION"));
        EXPECTED.put("own/gcp/pubsub-gcs-finalize-payload-none.json", List.of("notice CREATED -> DONE COMPLETED"));
        EXPECTED.put("own/gcp/pubsub-gcs-metadata-update.json", List.of("notice METADATA_UPDATED -> DONE"));
        // the body reaches the core unclassified; the core refuses the CloudEvent
        EXPECTED.put("own/gcp/pubsub-poison-bad-cloudevent.json", List.of("message -> GAVE_UP"));
        EXPECTED.put("own/gcp/pubsub-poison-not-base64.json", List.of("undecodable -> GAVE_UP"));
        // the core refuses a body that is not JSON
        EXPECTED.put("own/gcp/pubsub-poison-not-json.json", List.of("message -> GAVE_UP"));
        // the core refuses the declared schema version
        EXPECTED.put("own/gcp/pubsub-poison-schema-version.json", List.of("message -> GAVE_UP"));
        EXPECTED.put("own/gcp/push-business-plain-json-array.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/gcp/push-business-plain-json.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/gcp/push-business-structured-cloudevent.json", List.of("message -> DONE APPENDED"));
        EXPECTED.put("own/gcp/push-gcs-finalize.json", List.of("notice CREATED -> DONE COMPLETED"));
        EXPECTED.put("own/gcp/push-poison-envelope-truncated.json", List.of("undecodable -> GAVE_UP"));
        // the core refuses a body that is not JSON
        EXPECTED.put("own/gcp/push-poison-not-json.json", List.of("message -> GAVE_UP"));
        // inbound/** has no feed: recorded under the CloudEvent id, channel gcs
        EXPECTED.put("own/gcp/storage-finalized-binary.http", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("own/gcp/storage-finalized-structured-new-generation.json", List.of("notice CREATED -> DONE COMPLETED"));
        // a newer generation of the key came first: stale
        EXPECTED.put("own/gcp/storage-finalized-structured-number-fields.json", List.of("notice CREATED -> DONE STALE_NOTIFICATION"));
        EXPECTED.put("own/gcp/storage-finalized-structured-string-fields.json", List.of("notice CREATED -> DONE COMPLETED"));
        // the reference buckets have no feed: GAVE_UP, recorded under the event id (channel eventbridge)
        EXPECTED.put("shared/aws/eventbridge-s3-object-created-captured.json", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/aws/eventbridge-s3-object-created.json", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/aws/eventbridge-s3-object-deleted.json", List.of("notice REMOVED -> DONE REMOVED"));
        EXPECTED.put("shared/aws/s3-objectremoved-delete-real.json", List.of("notice REMOVED -> DONE REMOVED"));
        EXPECTED.put("shared/aws/s3-objectremoved-delete.json", List.of("notice REMOVED -> DONE REMOVED"));
        EXPECTED.put("shared/aws/s3-put-encoded-key-real.json", List.of("notice CREATED -> DONE COMPLETED"));
        EXPECTED.put("shared/aws/s3-put-lambda-direct-lambda-docs.json", List.of("notice CREATED -> GAVE_UP"));
        // a direct S3 notice without a feed: recorded as on SQS (channel s3, s3://bucket/key@sequencer)
        EXPECTED.put("shared/aws/s3-put-lambda-direct.json", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/aws/s3-test-event.json", List.of("nothing -> DONE"));
        EXPECTED.put("shared/aws/sqs-eventbridge-s3-object-created-captured.json", List.of("notice CREATED -> GAVE_UP"));
        // the docs' bodies are not JSON: undecodable
        EXPECTED.put("shared/aws/sqs-fifo-lambda-docs.json", List.of("undecodable -> GAVE_UP"));
        EXPECTED.put("shared/aws/sqs-s3-notification-captured.json", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/aws/sqs-s3-notification.json", List.of("notice CREATED -> GAVE_UP"));
        // channel Test.fifo has no message feed
        EXPECTED.put("shared/aws/sqs-sns-fifo-business-event.json", List.of("message -> GAVE_UP"));
        EXPECTED.put("shared/aws/sqs-sns-rawdelivery-s3-notification.json", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/aws/sqs-sns-s3-notification.json", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/aws/sqs-standard-lambda-docs.json", List.of("undecodable -> GAVE_UP", "undecodable -> GAVE_UP"));
        EXPECTED.put("shared/gcp/cloudevent-pubsub-message-published-ordering-key.json", List.of("message -> GAVE_UP"));
        // its data is the text 'test message 3': the core refuses it
        EXPECTED.put("shared/gcp/cloudevent-pubsub-message-published.json", List.of("message -> GAVE_UP"));
        EXPECTED.put("shared/gcp/cloudevent-storage-finalized-binary-docs-sample.http", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/gcp/cloudevent-storage-finalized-structured-eventarc-workflows.json", List.of("notice CREATED -> GAVE_UP"));
        EXPECTED.put("shared/gcp/cloudevent-storage-finalized-structured.json", List.of("notice CREATED -> GAVE_UP"));
    }

    private ConformanceTable() {
    }

    /** The objects the notices name that exist; the others are gone (REJECTED) or match no feed. */
    static void seed(BucketDirectories objects) {
        String acme = "order_id,ordered_at\nA-1,2024-05-01T08:00:00Z\nA-2,2024-05-01T08:05:00Z\n";
        for (String key : List.of("acme/orders/2024-05-01.csv", "acme/orders/east coast 2024+05=01.csv",
                "acme/orders/2024-05-02.csv", "acme/orders/2024-05-03 final.csv", "acme/orders/2024-05-04 east+west%2B.csv")) {
            objects.put("inlet-vendor-drop", key, acme.replace("A-", "A" + key.hashCode() + "-"));
        }
        for (String key : List.of("globex/shipments/2024-05-03.csv", "globex/shipments/2024-05-04.csv")) {
            objects.put("inlet-vendor-drop", key, "shipment_id,sent_at\nS" + key.hashCode() + ",2024-05-03T06:00:00Z\n");
        }
        objects.put("test-fb-ks", "year=2020/month=05/test1.txt", "{\"id\":\"t-1\",\"at\":\"2020-05-01T00:00:00Z\"}\n");
        for (String key : List.of("orders/2026/01/orders 0001+eu.csv", "orders/2026/01/orders-0002.csv",
                "orders/2026/01/orders-0003.csv", "orders/2026/01/orders-0004.csv", "orders/2026/01/orders-0005.csv")) {
            objects.put("inlet-vendor-drop", key, "order_id,placed_at\nx-" + key.replaceAll("\\D", "") + ",2026-01-15T10:00:00Z\n");
        }
    }
}
