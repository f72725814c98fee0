package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.DeployableJar;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The operations CLI ({@code cli/target/inlet.jar}) carries no emulator, demo or test double: those ship in
 * {@code demo/target/inlet-demo.jar}. It keeps embedded PostgreSQL (its default database when no URL is given).
 */
class DeployableJarIT {

    private static final Path JAR = Path.of(System.getProperty("inlet.deploy.jar", "target/inlet.jar"));

    @Test
    void holdsNoEmulatorDemoOrTestDouble() {
        assertThat(DeployableJar.entriesStartingWith(JAR, DeployableJar.SCAFFOLDING)).isEmpty();
    }

    @Test
    void runsTheOperationsCommandsWithEmbeddedPostgres() {
        assertThat(DeployableJar.entries(JAR)).contains("io/inlet/cli/InletCli.class", "postgres-linux-x86_64.txz");
    }
}
