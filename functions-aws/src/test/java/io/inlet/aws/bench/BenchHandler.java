package io.inlet.aws.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.S3ObjectHandler;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.aws.config.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The function the cold-start bench deploys into the runtime interface client. {@code BENCH_MODE=handler}:
 * builds the environment as {@link FunctionEnvironment#fromSettings} does, but with the HTTP client named
 * by {@code BENCH_HTTP_CLIENT} and the emulators' endpoints, and runs {@link S3ObjectHandler};
 * {@code BENCH_MODE=baseline}: only builds the same two SDK clients.
 */
public final class BenchHandler implements RequestHandler<S3Event, List<String>> {

    @Override
    public List<String> handleRequest(S3Event event, Context context) {
        String client = System.getenv("BENCH_HTTP_CLIENT");
        S3Client s3 = S3Client.builder().endpointOverride(URI.create(System.getenv("BENCH_S3"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("inlet-test", "inlet-test-secret")))
                .httpClient(httpClient(client)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(System.getenv("BENCH_SQS"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(httpClient(client)).build();
        if ("baseline".equals(System.getenv("BENCH_MODE"))) return List.of("BASELINE " + client);
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", System.getenv("BENCH_DB_URL"),
                System.getenv("BENCH_DB_USER"), System.getenv("BENCH_DB_PASSWORD"), null, Map.of(), null, "claim-checks/",
                null, Duration.ofSeconds(2), 8);
        DataSource dataSource = FunctionEnvironment.dataSource(settings.databaseUrl(),
                new DatabaseCredentials(settings.databaseUser(), settings.databasePassword()));
        Inlet inlet = Inlet.builder().dataSource(dataSource).feeds(FeedsLocation.load(settings.feeds(), s3))
                .workerId("bench").build();
        return new S3ObjectHandler(new FunctionEnvironment(settings, s3, sqs, dataSource, inlet)).handleRequest(event, context);
    }

    static SdkHttpClient httpClient(String name) {
        return switch (name) {
            case "urlconnection" -> UrlConnectionHttpClient.create();
            case "crt" -> AwsCrtHttpClient.create();
            default -> throw new IllegalArgumentException("unknown HTTP client " + name + " (urlconnection|crt)");
        };
    }
}
