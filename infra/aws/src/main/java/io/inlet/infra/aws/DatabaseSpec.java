package io.inlet.infra.aws;

import java.util.List;
import java.util.regex.Pattern;

/** Where the event store lives: a PostgreSQL that already exists, or a new one this stack creates. */
public sealed interface DatabaseSpec {

    /**
     * An existing PostgreSQL. The password is read at run time from the one Secrets Manager secret;
     * the functions are granted read on exactly that secret.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host:port/db}
     *                {@code ?sslmode=verify-full} (and, for an RDS instance reached directly,
     *                {@code &sslrootcert=} a CA bundle the functions can read: docs/deploy.md)
     * @param user the admin user the migration runs as (owns the schema, has CREATEROLE)
     * @param secretArn that user's secret, the complete ARN (with its six-character suffix), so the grant names one
     *                  secret; only the migration function reads it, the functions log in as the role users
     * @param network the VPC the functions must join to reach the database, or {@code null} when it is reachable without one
     */
    record Existing(String jdbcUrl, String user, String secretArn, ExistingNetwork network) implements DatabaseSpec {

        private static final Pattern VERIFY_FULL = Pattern.compile("[?&]sslmode=verify-full(&|$)");
        private static final Pattern SECRET_ARN = Pattern.compile(
                "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}");

        public Existing {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("database.jdbcUrl '" + jdbcUrl + "' must start with jdbc:postgresql://");
            }
            if (!VERIFY_FULL.matcher(jdbcUrl).find()) {
                throw new IllegalArgumentException("database.jdbcUrl '" + jdbcUrl + "' must verify the server: add "
                        + "sslmode=verify-full (with sslrootcert=<CA bundle> or sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory, docs/deploy.md)");
            }
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("database.user is required");
            }
            if (secretArn == null || !SECRET_ARN.matcher(secretArn).matches()) {
                throw new IllegalArgumentException("database.secretArn '" + secretArn
                        + "' must be a complete Secrets Manager ARN ending in -XXXXXX, so that read access names one secret");
            }
        }
    }

    /**
     * The VPC an existing database is reachable in. The functions are placed in {@code subnetIds} with
     * {@code securityGroupId} (which the database's security group must admit on 5432).
     */
    record ExistingNetwork(String vpcId, List<String> availabilityZones, List<String> subnetIds, String securityGroupId) {
        public ExistingNetwork {
            if (vpcId == null || !vpcId.startsWith("vpc-")) {
                throw new IllegalArgumentException("database.network.vpcId '" + vpcId + "' must be a vpc- id");
            }
            if (availabilityZones == null || availabilityZones.isEmpty() || subnetIds == null
                    || subnetIds.size() != availabilityZones.size()) {
                throw new IllegalArgumentException("database.network needs one subnet id per availability zone, got "
                        + subnetIds + " for " + availabilityZones);
            }
            if (securityGroupId == null || !securityGroupId.startsWith("sg-")) {
                throw new IllegalArgumentException("database.network.securityGroupId '" + securityGroupId + "' must be an sg- id");
            }
            availabilityZones = List.copyOf(availabilityZones);
            subnetIds = List.copyOf(subnetIds);
        }
    }

    /**
     * A new RDS for PostgreSQL instance behind an RDS Proxy, in a new VPC with isolated subnets and VPC
     * endpoints (no NAT): the proxy multiplexes the many short-lived function connections.
     *
     * @param instanceType e.g. {@code t4g.medium}
     * @param allocatedStorageGib initial storage
     * @param multiAz a standby in a second availability zone
     */
    record Created(String instanceType, int allocatedStorageGib, boolean multiAz) implements DatabaseSpec {
        public Created {
            if (instanceType == null || !instanceType.matches("[a-z0-9]+\\.[a-z0-9]+")) {
                throw new IllegalArgumentException("database.instanceType '" + instanceType + "' must look like t4g.medium");
            }
            if (allocatedStorageGib < 20 || allocatedStorageGib > 65536) {
                throw new IllegalArgumentException("database.allocatedStorageGib " + allocatedStorageGib + " must be within 20..65536");
            }
        }
    }
}
