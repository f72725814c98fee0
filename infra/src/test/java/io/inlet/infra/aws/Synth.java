package io.inlet.infra.aws;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/** Synthesises stacks for the tests, with a tiny placeholder jar standing in for the functions artefact. */
final class Synth {

    static final String EXISTING_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:inlet/db-AbC123";
    private static Path placeholderJar;
    private static final Map<InletSettings, Template> CACHE = new java.util.HashMap<>();

    private Synth() {
    }

    /** A real (tiny) jar, so that synth never needs functions-aws to have been built. */
    static synchronized String placeholderJar() {
        if (placeholderJar == null) {
            try {
                placeholderJar = Files.createTempFile("inlet-functions-aws-placeholder", ".jar");
                placeholderJar.toFile().deleteOnExit();
                try (OutputStream out = Files.newOutputStream(placeholderJar); ZipOutputStream zip = new ZipOutputStream(out)) {
                    zip.putNextEntry(new ZipEntry("placeholder.txt"));
                    zip.write("stands in for inlet-functions-aws.jar in infra tests".getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return placeholderJar.toString();
    }

    /** Two vendors in one bucket (receipts written under receipts/), one in another (read only); a standard and a FIFO destination; an existing database. */
    static InletSettings.Builder settings() {
        return InletSettings.builder()
                .functionsAsset(placeholderJar())
                .feedsLocation("s3://inlet-config/feeds.yaml")
                .channel("test")
                .vendorBucket(new VendorBucketSpec("Vendors", "inlet-vendors-test", List.of("acme/orders/", "globex/stock/"), "receipts/"))
                .vendorBucket(new VendorBucketSpec("Partner", null, List.of("initech/")))
                .destination(QueueSpec.standard("order-events"))
                .destination(QueueSpec.fifo("stock-events"))
                .database(new DatabaseSpec.Existing("jdbc:postgresql://db.internal:5432/inlet?sslmode=verify-full", "inlet", EXISTING_SECRET_ARN, null))
                .databaseConnections(22)
                .ingestTimeoutSeconds(300)
                .batchSize(25)
                .batchingWindowSeconds(10)
                .alarmEmail("oncall@example.com");
    }

    static InletStack stack(InletSettings settings) {
        App app = new App();
        return new InletStack(app, "InletTest", StackProps.builder().build(), settings);
    }

    static Template template(InletSettings settings) {
        return Template.fromStack(stack(settings));
    }

    /** Synth costs seconds (jsii round trips): equal settings share one template. */
    static synchronized Template cached(InletSettings settings) {
        return CACHE.computeIfAbsent(settings, Synth::template);
    }

    static Map<String, Object> json(InletSettings settings) {
        return cached(settings).toJSON();
    }
}
