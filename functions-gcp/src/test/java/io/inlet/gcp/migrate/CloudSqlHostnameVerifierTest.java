package io.inlet.gcp.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates made by the JDK's keytool, shaped as Cloud SQL's: the instance's name in the CN, or the IP in a SAN. */
class CloudSqlHostnameVerifierTest {

    @TempDir
    Path dir;

    private X509Certificate certificate(String dname, String san) throws Exception {
        Path store = dir.resolve(Math.abs((dname + san).hashCode()) + ".p12");
        ProcessBuilder keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", dname, "-validity", "2",
                "-keystore", store.toString(), "-storepass", "changeit", "-storetype", "PKCS12");
        if (san != null) keytool.command().addAll(java.util.List.of("-ext", "san=" + san));
        assertThat(keytool.redirectErrorStream(true).start().waitFor()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        return (X509Certificate) ks.getCertificate("server");
    }

    @Test
    void acceptsOnlyTheNamedInstanceOrTheDialledIp() throws Exception {
        X509Certificate instanceCert = certificate("CN=my-project:inlet-postgres,O=Google\\, Inc,C=US", null);
        X509Certificate other = certificate("CN=my-project:someone-else", null);
        X509Certificate withIp = certificate("CN=whatever", "ip:10.20.0.3");

        assertThat(CloudSqlHostnameVerifier.names(instanceCert, "10.20.0.3", "my-project:inlet-postgres")).isTrue();
        assertThat(CloudSqlHostnameVerifier.names(other, "10.20.0.3", "my-project:inlet-postgres")).isFalse();
        assertThat(CloudSqlHostnameVerifier.names(instanceCert, "10.20.0.3", null)).isFalse();
        assertThat(CloudSqlHostnameVerifier.names(instanceCert, "10.20.0.3", "my-project:inlet")).isFalse();
        assertThat(CloudSqlHostnameVerifier.names(withIp, "10.20.0.3", "my-project:inlet-postgres")).isTrue();
        assertThat(CloudSqlHostnameVerifier.names(withIp, "10.20.0.4", "my-project:inlet-postgres")).isFalse();
    }
}
