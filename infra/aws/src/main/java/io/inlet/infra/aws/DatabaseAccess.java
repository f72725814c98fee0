package io.inlet.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetFilter;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.DatabaseProxy;
import software.amazon.awscdk.services.rds.DatabaseProxyOptions;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * How the functions reach the event store: the JDBC URL, the admin (master) secret the migration
 * uses, one generated login secret per Inlet role ({@link LoginRole}) that the functions use, and the
 * network placement the functions need (if any).
 *
 * <p>TLS is verified ({@code sslmode=verify-full}): a created database is reached through RDS Proxy,
 * whose certificate (ACM, a wildcard for the proxy's domain) chains to Amazon Root CA 1, which the
 * Java runtime's own trust store holds, so the URL uses pgjdbc's {@code DefaultJavaSSLFactory}; an
 * existing database's URL must carry {@code sslmode=verify-full} itself (with {@code sslrootcert} for
 * an RDS instance reached directly: docs/deploy.md).
 *
 * <p>For {@link DatabaseSpec.Created} it builds a VPC with isolated subnets only (no NAT gateway):
 * the functions reach S3 through a gateway endpoint and SQS and Secrets Manager through interface
 * endpoints; an RDS Proxy in front of PostgreSQL absorbs the connection churn of short-lived functions.
 */
public final class DatabaseAccess extends Construct {

    static final String DATABASE_NAME = "inlet";
    static final String MASTER_USER = "inlet";
    static final int POSTGRES_PORT = 5432;

    /** The pgjdbc parameters of a verified TLS connection to RDS Proxy (Amazon Root CA 1, in the JDK trust store). */
    static final String PROXY_TLS = "sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory";

    /** The three roles of V10__roles_and_grants.sql, each with a login user whose secret the stack generates. */
    public enum LoginRole {
        INGEST("inlet_ingest"), RELAY("inlet_relay"), READER("inlet_reader");

        private final String groupName;

        LoginRole(String groupName) {
            this.groupName = groupName;
        }

        public String groupName() {
            return groupName;
        }

        /** The login user's name: the group's plus the stack's, so stacks sharing one database do not collide. */
        String userName(String stackName) {
            String name = groupName + "_" + stackName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            return name.length() > 63 ? name.substring(0, 63) : name;
        }
    }

    private final String jdbcUrl;
    private final ISecret adminSecret;
    private final Map<LoginRole, Secret> loginSecrets = new LinkedHashMap<>();
    private final InletFunction.Network network;
    private final Construct readiness;

    public DatabaseAccess(Construct scope, String id, DatabaseSpec spec, RetentionDays logRetention) {
        super(scope, id);
        String stackName = Stack.of(this).getStackName();
        for (LoginRole role : LoginRole.values()) {
            String name = role.name().charAt(0) + role.name().substring(1).toLowerCase(Locale.ROOT);
            loginSecrets.put(role, Secret.Builder.create(this, name + "Login")
                    .description("Inlet " + role.groupName() + " login user: the migration sets its password, "
                            + (role == LoginRole.READER ? "for analysts and dashboards" : "the functions log in with it"))
                    .generateSecretString(SecretStringGenerator.builder()
                            .secretStringTemplate("{\"username\":\"" + role.userName(stackName) + "\"}")
                            .generateStringKey("password")
                            .passwordLength(32)
                            .excludePunctuation(true)
                            .build())
                    .build());
            InletNagPolicy.loginSecret(loginSecrets.get(role));
        }
        if (spec instanceof DatabaseSpec.Existing existing) {
            this.jdbcUrl = existing.jdbcUrl();
            this.adminSecret = Secret.fromSecretCompleteArn(this, "Secret", existing.secretArn());
            this.network = existing.network() == null ? null : existingNetwork(existing.network());
            this.readiness = null;
        } else if (spec instanceof DatabaseSpec.Created created) {
            IVpc vpc = Vpc.Builder.create(this, "Vpc")
                    .maxAzs(2)
                    .natGateways(0)
                    .subnetConfiguration(List.of(SubnetConfiguration.builder()
                            .name("isolated").subnetType(SubnetType.PRIVATE_ISOLATED).cidrMask(24).build()))
                    .build();
            SubnetSelection isolated = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();
            // Flow logs (accepted and rejected traffic) to a log group with the functions' retention.
            vpc.addFlowLog("FlowLog", FlowLogOptions.builder()
                    .destination(FlowLogDestination.toCloudWatchLogs(LogGroup.Builder.create(this, "FlowLogs")
                            .retention(logRetention)
                            .removalPolicy(RemovalPolicy.DESTROY)
                            .build()))
                    .trafficType(FlowLogTrafficType.ALL)
                    .build());
            vpc.addGatewayEndpoint("S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build());
            vpc.addInterfaceEndpoint("Sqs", InterfaceVpcEndpointOptions.builder()
                    .service(InterfaceVpcEndpointAwsService.SQS).subnets(isolated).build());
            vpc.addInterfaceEndpoint("SecretsManager", InterfaceVpcEndpointOptions.builder()
                    .service(InterfaceVpcEndpointAwsService.SECRETS_MANAGER).subnets(isolated).build());

            DatabaseInstance instance = DatabaseInstance.Builder.create(this, "Postgres")
                    .engine(DatabaseInstanceEngine.postgres(PostgresInstanceEngineProps.builder()
                            .version(PostgresEngineVersion.VER_17_6).build()))
                    .instanceType(new InstanceType(created.instanceType()))
                    .allocatedStorage(created.allocatedStorageGib())
                    .multiAz(created.multiAz())
                    .vpc(vpc)
                    .vpcSubnets(isolated)
                    .databaseName(DATABASE_NAME)
                    .credentials(Credentials.fromGeneratedSecret(MASTER_USER))
                    .storageEncrypted(true)
                    .backupRetention(Duration.days(7))
                    .deletionProtection(true)
                    .removalPolicy(RemovalPolicy.SNAPSHOT)
                    .build();
            ISecurityGroup functions = SecurityGroup.Builder.create(this, "FunctionsSecurityGroup")
                    .vpc(vpc)
                    .description("Inlet functions: to RDS Proxy and the VPC endpoints")
                    .allowAllOutbound(true)
                    .build();
            DatabaseProxy proxy = instance.addProxy("Proxy", DatabaseProxyOptions.builder()
                    .vpc(vpc)
                    .vpcSubnets(isolated)
                    // the master (for the migration) and each role's login: the proxy authenticates only users it holds a secret for
                    .secrets(List.of(instance.getSecret(), loginSecrets.get(LoginRole.INGEST),
                            loginSecrets.get(LoginRole.RELAY), loginSecrets.get(LoginRole.READER)))
                    .requireTls(true)
                    .build());
            // instance.getSecret() is the secret's target attachment; the generated secret itself is the child "Secret"
            InletNagPolicy.createdDatabase(instance, instance.getNode().findChild("Secret"), vpc, created.multiAz());
            proxy.getConnections().allowFrom(functions, Port.tcp(POSTGRES_PORT), "Inlet functions to RDS Proxy");
            this.jdbcUrl = "jdbc:postgresql://" + proxy.getEndpoint() + ":" + POSTGRES_PORT + "/" + DATABASE_NAME + "?" + PROXY_TLS;
            this.adminSecret = instance.getSecret();
            this.network = new InletFunction.Network(vpc, isolated, List.of(functions));
            this.readiness = proxy;
        } else {
            throw new IllegalArgumentException("unknown database spec " + spec);
        }
    }

    private InletFunction.Network existingNetwork(DatabaseSpec.ExistingNetwork spec) {
        IVpc vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
                .vpcId(spec.vpcId())
                .availabilityZones(spec.availabilityZones())
                .privateSubnetIds(spec.subnetIds())
                .build());
        ISecurityGroup group = SecurityGroup.fromSecurityGroupId(this, "FunctionsSecurityGroup", spec.securityGroupId());
        SubnetSelection subnets = SubnetSelection.builder()
                .subnetFilters(List.of(SubnetFilter.byIds(spec.subnetIds())))
                .build();
        return new InletFunction.Network(vpc, subnets, List.of(group));
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The master user's secret: only the migration function reads it. */
    public ISecret adminSecret() {
        return adminSecret;
    }

    /** The login secret of one role ({@code username}, {@code password}). */
    public Secret loginSecret(LoginRole role) {
        return loginSecrets.get(role);
    }

    /** What must be in place before the migration can connect (the proxy and its targets), or {@code null}. */
    public Construct readiness() {
        return readiness;
    }

    /** Where the functions must run to reach the database, or {@code null}. */
    public InletFunction.Network network() {
        return network;
    }
}
