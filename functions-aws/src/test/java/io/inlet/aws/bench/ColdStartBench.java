package io.inlet.aws.bench;

import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.S3ObjectHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.aws.config.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.db.DatabaseSettings;
import io.inlet.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Cold start of the S3 handler per SDK HTTP client, measured from JVM launch to the first S3
 * notification handled. Not a unit test: run it with {@code functions-aws/bench/cold-start.sh}.
 *
 * <p>The parent starts embedded PostgreSQL, S3Proxy and ElasticMQ once, then launches one child JVM
 * per run ({@code child handler|baseline urlconnection|crt}). A {@code handler} child builds the
 * SDK clients with the given HTTP client, the data source, feeds and core, and invokes
 * {@link S3ObjectHandler} with the notification of a small CSV put just before (a new key per run);
 * a {@code baseline} child only builds the same two SDK clients. The parent times each child from
 * {@code ProcessBuilder.start()} to the line it prints when done, and reports medians.
 */
public final class ColdStartBench {

    static final String BUCKET = "vendor-drop";
    static final String CSV = "order_id,ordered_at,amount,quantity\n1,2026-11-20T08:00:00Z,19.90,2\n";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], args[2]);
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        parent(runs);
    }

    static void parent(int runs) throws Exception {
        S3Emulator s3 = new S3Emulator();
        SqsEmulator sqs = new SqsEmulator();
        s3.start();
        sqs.start();
        s3.createBucket(BUCKET);
        DatabaseSettings db = TestDatabase.settingsFor(TestDatabase.fresh("order_events", "downstream_events"));
        Map<String, List<Long>> timings = new LinkedHashMap<>();
        String[][] variants = {{"handler", "urlconnection"}, {"baseline", "urlconnection"}, {"handler", "crt"},
                {"baseline", "crt"}};
        try {
            // one warm-up of each variant (fills the OS page cache with the jars), not counted
            for (int round = -1; round < runs; round++) {
                for (String[] v : variants) {
                    String key = "acme/bench/" + v[0] + "-" + v[1] + "-" + round + ".csv";
                    s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(CSV));
                    long ms = launch(v[0], v[1], key, s3.endpoint(), sqs.endpoint(), db);
                    if (round >= 0) timings.computeIfAbsent(v[0] + " " + v[1], k -> new ArrayList<>()).add(ms);
                }
            }
        } finally {
            sqs.stop();
            s3.stop();
        }
        System.out.printf("%-24s %8s  %s%n", "variant", "median", "runs (ms)");
        Map<String, Long> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Long>> e : timings.entrySet()) {
            long median = median(e.getValue());
            medians.put(e.getKey(), median);
            System.out.printf("%-24s %6d ms  %s%n", e.getKey(), median, e.getValue());
        }
        for (String client : List.of("urlconnection", "crt")) {
            System.out.printf("overhead of the handler over the baseline, %s: %d ms%n", client,
                    medians.get("handler " + client) - medians.get("baseline " + client));
        }
    }

    static long launch(String mode, String client, String key, URI s3, URI sqs, DatabaseSettings db) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                ColdStartBench.class.getName(), "child", mode, client).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("BENCH_S3", s3.toString());
        env.put("BENCH_SQS", sqs.toString());
        env.put("BENCH_KEY", key);
        env.put("BENCH_DB_URL", db.url());
        env.put("BENCH_DB_USER", db.user());
        env.put("BENCH_DB_PASSWORD", db.password() == null ? "" : db.password());
        long started = System.nanoTime();
        Process p = pb.start();
        String done = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("BENCH-DONE") && done == null) {
                    done = line;
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    p.waitFor();
                    if (!line.contains("COMPLETED") && mode.equals("handler")) {
                        throw new IllegalStateException("handler run did not complete: " + line + "\n" + output);
                    }
                    return ms;
                }
                output.append(line).append('\n');
            }
        }
        throw new IllegalStateException("child " + mode + " " + client + " exited " + p.waitFor() + ":\n" + output);
    }

    static void child(String mode, String client) {
        URI s3Endpoint = URI.create(System.getenv("BENCH_S3"));
        URI sqsEndpoint = URI.create(System.getenv("BENCH_SQS"));
        S3Client s3 = S3Client.builder().endpointOverride(s3Endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("inlet-test", "inlet-test-secret")))
                .httpClient(httpClient(client)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(httpClient(client)).build();
        if (mode.equals("baseline")) {
            System.out.println("BENCH-DONE baseline");
            return;
        }
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", System.getenv("BENCH_DB_URL"),
                System.getenv("BENCH_DB_USER"), System.getenv("BENCH_DB_PASSWORD"), null, Map.of(), null, "claim-checks/",
                null, Duration.ofSeconds(2));
        var dataSource = FunctionEnvironment.dataSource(settings.databaseUrl(),
                new DatabaseCredentials(settings.databaseUser(), settings.databasePassword()));
        Inlet inlet = Inlet.builder().dataSource(dataSource).feeds(FeedsLocation.load(settings.feeds(), s3))
                .workerId("bench").build();
        FunctionEnvironment env = new FunctionEnvironment(settings, s3, sqs, dataSource, inlet);
        String key = System.getenv("BENCH_KEY");
        String notification = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2026-11-20T08:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\","
                + "\"bucket\":{\"name\":\"" + BUCKET + "\",\"arn\":\"arn:aws:s3:::" + BUCKET + "\"},\"object\":{\"key\":\"" + key
                + "\",\"size\":" + CSV.length() + ",\"sequencer\":\"0062E99A88DC407460\"}}}]}";
        List<String> result = new S3ObjectHandler(env).handleRequest(new LambdaEventJson().s3Event(notification),
                TestLambdaContext.withTimeout(60_000));
        System.out.println("BENCH-DONE " + result);
    }

    static SdkHttpClient httpClient(String name) {
        return switch (name) {
            case "urlconnection" -> UrlConnectionHttpClient.create();
            case "crt" -> AwsCrtHttpClient.create();
            default -> throw new IllegalArgumentException("unknown HTTP client " + name + " (urlconnection|crt)");
        };
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The java launcher of the running JVM. */
    static String javaExecutable() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
