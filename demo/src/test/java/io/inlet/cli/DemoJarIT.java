package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.DeployableJar;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** {@code demo/target/inlet-demo.jar}, the quick start's jar: runnable, with the samples and PostgreSQL for x86_64 and arm64. */
class DemoJarIT {

    private static final Path JAR = Path.of(System.getProperty("inlet.demo.jar", "target/inlet-demo.jar"));

    @Test
    void carriesEmbeddedPostgresForLinuxAndMacOnX8664AndArm64() {
        // the names zonky's DefaultPostgresBinaryResolver looks up (os and normalised arch; aarch64 is arm_64)
        assertThat(DeployableJar.entries(JAR)).contains("postgres-linux-x86_64.txz", "postgres-linux-arm_64.txz",
                "postgres-darwin-x86_64.txz", "postgres-darwin-arm_64.txz");
    }

    @Test
    void startsTheDemoCommandLineWithTheBundledSamples() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(InletDemo.class.getName());
            assertThat(jar.getEntry("events-samples/feeds.yaml")).isNotNull();
            assertThat(jar.getEntry("io/inlet/cli/DemoCommand.class")).isNotNull();
        }
    }
}
