package io.inlet.gcp.migrate;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The name check of {@code sslmode=verify-full} for Cloud SQL reached by private IP, given to pgjdbc
 * as {@code sslhostnameverifier}. A Cloud SQL server certificate from the instance's own CA names the
 * instance ({@code CN=<project>:<instance>}), not the IP the client dials, so the standard check
 * would refuse every connection; this one accepts the certificate only when it names the instance in
 * {@code INLET_DATABASE_INSTANCE} (or carries the dialled IP as a subject alternative name, as
 * certificates of a CAS-based CA may). The chain itself is verified by pgjdbc against
 * {@code sslrootcert} (the instance's server CA, mounted from Secret Manager) before this runs.
 */
public final class CloudSqlHostnameVerifier implements HostnameVerifier {

    public static final String INSTANCE = "INLET_DATABASE_INSTANCE";

    private final String instance;

    public CloudSqlHostnameVerifier() {
        this(System.getenv(INSTANCE));
    }

    public CloudSqlHostnameVerifier(String instance) {
        this.instance = instance;
    }

    @Override
    public boolean verify(String host, SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate cert && names(cert, host, instance);
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    /** Whether the server certificate is the instance's: its CN is {@code project:instance}, or an IP SAN is {@code host}. */
    static boolean names(X509Certificate cert, String host, String instance) {
        if (instance != null && !instance.isBlank() && instance.equals(commonName(cert))) return true;
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives == null) return false;
            for (List<?> alternative : alternatives) {
                if (Integer.valueOf(7).equals(alternative.get(0)) && host.equals(alternative.get(1))) return true;
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return false;
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) return String.valueOf(rdn.getValue());
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
