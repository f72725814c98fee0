package io.inlet.infra.aws;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
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
import software.constructs.Construct;

/**
 * How the functions reach the event store: the JDBC URL, the user, the one secret holding the
 * password, and the network placement the functions need (if any).
 *
 * <p>For {@link DatabaseSpec.Created} it builds a VPC with isolated subnets only (no NAT gateway):
 * the functions reach S3 through a gateway endpoint and SQS and Secrets Manager through interface
 * endpoints; an RDS Proxy in front of PostgreSQL absorbs the connection churn of short-lived functions.
 */
public final class DatabaseAccess extends Construct {

    static final String DATABASE_NAME = "inlet";
    static final String MASTER_USER = "inlet";
    static final int POSTGRES_PORT = 5432;

    private final String jdbcUrl;
    private final String user;
    private final ISecret secret;
    private final InletFunction.Network network;

    public DatabaseAccess(Construct scope, String id, DatabaseSpec spec, RetentionDays logRetention) {
        super(scope, id);
        if (spec instanceof DatabaseSpec.Existing existing) {
            this.jdbcUrl = existing.jdbcUrl();
            this.user = existing.user();
            this.secret = Secret.fromSecretCompleteArn(this, "Secret", existing.secretArn());
            this.network = existing.network() == null ? null : existingNetwork(existing.network());
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
                    .secrets(List.of(instance.getSecret()))
                    .requireTls(true)
                    .build());
            // instance.getSecret() is the secret's target attachment; the generated secret itself is the child "Secret"
            InletNagPolicy.createdDatabase(instance, instance.getNode().findChild("Secret"), vpc, created.multiAz());
            proxy.getConnections().allowFrom(functions, Port.tcp(POSTGRES_PORT), "Inlet functions to RDS Proxy");
            this.jdbcUrl = "jdbc:postgresql://" + proxy.getEndpoint() + ":" + POSTGRES_PORT + "/" + DATABASE_NAME + "?sslmode=require";
            this.user = MASTER_USER;
            this.secret = instance.getSecret();
            this.network = new InletFunction.Network(vpc, isolated, List.of(functions));
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

    public String user() {
        return user;
    }

    /** The one secret the functions may read. */
    public ISecret secret() {
        return secret;
    }

    /** Where the functions must run to reach the database, or {@code null}. */
    public InletFunction.Network network() {
        return network;
    }
}
