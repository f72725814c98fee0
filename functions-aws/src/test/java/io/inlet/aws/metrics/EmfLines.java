package io.inlet.aws.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * EMF lines as a handler printed them, each checked against the Embedded Metric Format
 * specification: {@code _aws.Timestamp} an integer, {@code _aws.CloudWatchMetrics} a list of
 * directives with {@code Namespace}, {@code Dimensions} (a list of lists of dimension names, each a
 * string member of the root) and {@code Metrics} ({@code Name}, {@code Unit}; each a number member of the root).
 */
public record EmfLines(List<JsonNode> documents) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Set<String> UNITS = java.util.Set.of("Seconds", "Count", "Milliseconds", "Bytes", "None");

    /** The EMF documents among {@code stdout}'s lines (those starting {@code {"_aws"}), each validated. */
    public static EmfLines of(String stdout) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.startsWith("{\"_aws\"")) continue;
            JsonNode doc = JSON.readTree(line);
            assertValid(doc);
            docs.add(doc);
        }
        return new EmfLines(docs);
    }

    public static void assertValid(JsonNode doc) {
        JsonNode aws = doc.path("_aws");
        assertThat(aws.path("Timestamp").isIntegralNumber()).as("_aws.Timestamp in %s", doc).isTrue();
        assertThat(aws.path("CloudWatchMetrics").isArray() && !aws.path("CloudWatchMetrics").isEmpty()).as("directives in %s", doc).isTrue();
        for (JsonNode directive : aws.path("CloudWatchMetrics")) {
            assertThat(directive.path("Namespace").isTextual()).as("Namespace in %s", doc).isTrue();
            assertThat(directive.path("Dimensions").isArray()).as("Dimensions in %s", doc).isTrue();
            for (JsonNode set : directive.path("Dimensions")) {
                assertThat(set.isArray() && set.size() <= 30).isTrue();
                for (JsonNode name : set) assertThat(doc.path(name.asText()).isTextual()).as("dimension %s in %s", name, doc).isTrue();
            }
            assertThat(directive.path("Metrics").isArray() && !directive.path("Metrics").isEmpty()).isTrue();
            for (JsonNode m : directive.path("Metrics")) {
                assertThat(m.path("Name").isTextual()).isTrue();
                assertThat(UNITS).contains(m.path("Unit").asText());
                assertThat(doc.path(m.path("Name").asText()).isNumber()).as("value of %s in %s", m, doc).isTrue();
            }
        }
    }

    /** The first document that has metric {@code name}. */
    public Optional<JsonNode> withMetric(String name) {
        return documents.stream().filter(d -> d.has(name) && d.path(name).isNumber()).findFirst();
    }

    /** All documents that have metric {@code name}. */
    public List<JsonNode> allWithMetric(String name) {
        return documents.stream().filter(d -> d.has(name) && d.path(name).isNumber()).toList();
    }

    /** {@code Namespace|Metric|Dim1,Dim2} for every metric of every directive: what CloudWatch will hold. */
    public TreeSet<String> catalogue() {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode doc : documents) {
            for (JsonNode directive : doc.path("_aws").path("CloudWatchMetrics")) {
                for (JsonNode set : directive.path("Dimensions")) {
                    List<String> dims = new ArrayList<>();
                    set.forEach(d -> dims.add(d.asText()));
                    for (JsonNode m : directive.path("Metrics")) {
                        out.add(directive.path("Namespace").asText() + "|" + m.path("Name").asText() + "|" + String.join(",", dims));
                    }
                }
            }
        }
        return out;
    }
}
