package io.inlet.simulation;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.simulation.Scenario.Notice;
import io.inlet.simulation.Scenario.Version;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** The payloads the clouds deliver, written as the clouds write them, for the real decoders to read. */
final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /** An S3 event notification record (as S3 sends it to SQS): key form-URL-encoded. */
    static String s3Event(String key, Version v) {
        ObjectNode object = JSON.createObjectNode().put("key", URLEncoder.encode(key, StandardCharsets.UTF_8))
                .put("versionId", v.version()).put("sequencer", v.token());
        if (!v.delete()) object.put("size", v.csv().getBytes(StandardCharsets.UTF_8).length).put("eTag", v.etag());
        ObjectNode record = JSON.createObjectNode().put("eventVersion", "2.1").put("eventSource", "aws:s3")
                .put("awsRegion", "eu-west-1").put("eventTime", "2026-01-01T00:00:00.000Z")
                .put("eventName", v.delete() ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectCreated:Put");
        ObjectNode s3 = record.putObject("s3").put("s3SchemaVersion", "1.0").put("configurationId", "sim");
        s3.putObject("bucket").put("name", Scenario.BUCKET).put("arn", "arn:aws:s3:::" + Scenario.BUCKET);
        s3.set("object", object);
        ObjectNode root = JSON.createObjectNode();
        root.putArray("Records").add(record);
        return root.toString();
    }

    /** An EventBridge "Object Created" / "Object Deleted" event (as an EventBridge rule sends it to SQS). */
    static String eventBridge(String key, Version v, String id) {
        ObjectNode root = JSON.createObjectNode().put("version", "0").put("id", id)
                .put("detail-type", v.delete() ? "Object Deleted" : "Object Created").put("source", "aws.s3")
                .put("account", "123456789012").put("time", "2026-01-01T00:00:00Z").put("region", "eu-west-1");
        root.putArray("resources").add("arn:aws:s3:::" + Scenario.BUCKET);
        ObjectNode detail = root.putObject("detail").put("version", "0");
        detail.putObject("bucket").put("name", Scenario.BUCKET);
        ObjectNode object = detail.putObject("object").put("key", key).put("version-id", v.version()).put("sequencer", v.token());
        if (!v.delete()) object.put("size", v.csv().getBytes(StandardCharsets.UTF_8).length).put("etag", v.etag());
        detail.put("reason", v.delete() ? "DeleteObject" : "PutObject");
        return root.toString();
    }

    static SQSMessage sqs(String messageId, String body) {
        SQSMessage m = new SQSMessage();
        m.setMessageId(messageId);
        m.setBody(body);
        m.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:sim");
        m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        m.setMessageAttributes(Map.of());
        return m;
    }

    /** The JSON API object resource GCS puts in its notifications. */
    private static ObjectNode resource(String key, Version v) {
        ObjectNode r = JSON.createObjectNode().put("kind", "storage#object").put("bucket", Scenario.BUCKET).put("name", key)
                .put("generation", v.version()).put("metageneration", "1").put("md5Hash", v.etag());
        return r;
    }

    private static ObjectNode withSize(ObjectNode resource, Version live) {
        return resource.put("size", Integer.toString(live.csv().getBytes(StandardCharsets.UTF_8).length));
    }

    /** A storage CloudEvent (Eventarc): finalized or deleted. */
    static CloudEvent storageCloudEvent(String key, Version v, String id) {
        ObjectNode data = resource(key, v);
        if (!v.delete()) withSize(data, v);
        return CloudEventBuilder.v1().withId(id).withType(v.delete() ? StorageEventDecoder.DELETED : StorageEventDecoder.FINALIZED)
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + Scenario.BUCKET))
                .withSubject("objects/" + key).withData("application/json", data.toString().getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** A Pub/Sub notification of GCS (JSON_API_V1), as a PubsubMessage JSON. */
    static JsonNode pubSubNotification(Notice n, String messageId) {
        Version v = n.version();
        String eventType = n.overwrittenBy() != null || v.delete() ? "OBJECT_DELETE" : "OBJECT_FINALIZE";
        ObjectNode message = JSON.createObjectNode().put("messageId", messageId).put("publishTime", "2026-01-01T00:00:00Z");
        ObjectNode attributes = message.putObject("attributes").put("eventType", eventType).put("bucketId", Scenario.BUCKET)
                .put("objectId", n.key().key()).put("objectGeneration", v.version()).put("payloadFormat", "JSON_API_V1")
                .put("notificationConfig", "projects/_/buckets/" + Scenario.BUCKET + "/notificationConfigs/1");
        if (n.overwrittenBy() != null) attributes.put("overwrittenByGeneration", n.overwrittenBy());
        ObjectNode data = resource(n.key().key(), v);
        if (!v.delete()) withSize(data, v);
        message.put("data", Base64.getEncoder().encodeToString(data.toString().getBytes(StandardCharsets.UTF_8)));
        return message;
    }

    /** A business message as a PubsubMessage JSON. */
    static JsonNode pubSubMessage(String messageId, String body) {
        ObjectNode message = JSON.createObjectNode().put("messageId", messageId).put("publishTime", "2026-01-01T00:00:00Z");
        message.putObject("attributes");
        message.put("data", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        return message;
    }
}
