package io.inlet.aws.bench;

import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.db.DatabaseSettings;
import io.inlet.testing.TestDatabase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cold start of the S3 handler per SDK HTTP client, from JVM launch to the first S3 notification
 * handled, with the Lambda runtime interface client (aws-lambda-java-runtime-interface-client) as
 * the process's main, polling a local Runtime API ({@link RuntimeApiServer}) as it polls Lambda's.
 * Not a unit test: run it with {@code functions-aws/bench/cold-start.sh [rounds]}.
 *
 * <p>The parent starts embedded PostgreSQL, S3Proxy and ElasticMQ once, then launches one JVM per run
 * with {@link BenchHandler} as the function: {@code handler} runs {@code S3ObjectHandler} on the
 * notification of a small CSV put just before (a new key per run), {@code baseline} only builds the
 * same two SDK clients. Each run is timed from {@code ProcessBuilder.start()} to the function's
 * response arriving at the Runtime API; the report gives medians.
 */
public final class ColdStartBench {

    static final String BUCKET = "vendor-drop";
    static final String CSV = "order_id,ordered_at,amount,quantity\n1,2026-11-20T08:00:00Z,19.90,2\n";
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        S3Emulator s3 = new S3Emulator();
        SqsEmulator sqs = new SqsEmulator();
        s3.start();
        sqs.start();
        s3.createBucket(BUCKET);
        DatabaseSettings db = TestDatabase.settingsFor(TestDatabase.fresh("order_events", "downstream_events"));
        // the function's classpath: without the emulators (the parent's business, not the function's)
        String classpath = functionClasspath();
        Map<String, List<Long>> timings = new LinkedHashMap<>();
        String[][] variants = {{"handler", "urlconnection"}, {"baseline", "urlconnection"}, {"handler", "crt"},
                {"baseline", "crt"}};
        try (RuntimeApiServer api = new RuntimeApiServer()) {
            // round -1 warms the OS page cache with the jars and is not counted; variants interleave so
            // that load drift on this shared machine hits them alike
            for (int round = -1; round < rounds; round++) {
                for (String[] v : variants) {
                    String key = "acme/bench/" + v[0] + "-" + v[1] + "-" + round + ".csv";
                    s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(CSV));
                    long ms = launch(api, classpath, v[0], v[1], key, s3, sqs, db);
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
            medians.put(e.getKey(), median(e.getValue()));
            System.out.printf("%-24s %6d ms  %s%n", e.getKey(), medians.get(e.getKey()), e.getValue());
        }
        for (String client : List.of("urlconnection", "crt")) {
            System.out.printf("overhead of the handler over the baseline, %s: %d ms%n", client,
                    medians.get("handler " + client) - medians.get("baseline " + client));
        }
        System.exit(0);
    }

    static long launch(RuntimeApiServer api, String classpath, String mode, String client, String key, S3Emulator s3,
                       SqsEmulator sqs, DatabaseSettings db) throws Exception {
        String requestId = UUID.randomUUID().toString();
        api.invoke(requestId, notification(key));
        Path log = Files.createTempFile("inlet-bench-", ".log");
        ProcessBuilder pb = new ProcessBuilder(javaExecutable(), "-cp", classpath, RIC_MAIN, BenchHandler.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "inlet-bench");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "bench");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/inlet-bench");
        env.put("AWS_REGION", "us-east-1");
        env.put("BENCH_MODE", mode);
        env.put("BENCH_HTTP_CLIENT", client);
        env.put("BENCH_S3", s3.endpoint().toString());
        env.put("BENCH_SQS", sqs.endpoint().toString());
        env.put("BENCH_DB_URL", db.url());
        env.put("BENCH_DB_USER", db.user());
        env.put("BENCH_DB_PASSWORD", db.password() == null ? "" : db.password());
        long started = System.nanoTime();
        Process p = pb.start();
        try {
            RuntimeApiServer.Result result;
            try {
                result = api.awaitResult(60);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; the function's output:\n" + Files.readString(log), e);
            }
            long ms = (result.receivedNanos() - started) / 1_000_000;
            boolean expected = !result.error() && result.requestId().equals(requestId)
                    && result.body().contains(mode.equals("handler") ? "COMPLETED " + BUCKET + "/" + key : "BASELINE " + client);
            if (!expected) {
                throw new IllegalStateException(mode + " " + client + " answered " + result + "\n" + Files.readString(log));
            }
            return ms;
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    /** The notification S3 sends for a put of {@code key} (plain ASCII key: nothing to encode). */
    static String notification(String key) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2026-11-20T08:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\","
                + "\"bucket\":{\"name\":\"" + BUCKET + "\",\"arn\":\"arn:aws:s3:::" + BUCKET + "\"},\"object\":{\"key\":\"" + key
                + "\",\"size\":" + CSV.length() + ",\"sequencer\":\"0062E99A88DC407460\"}}}]}";
    }

    static String functionClasspath() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("s3proxy") || name.startsWith("elasticmq") || name.startsWith("jclouds")
                    || name.startsWith("pekko") || name.startsWith("scala") || name.startsWith("jetty")) continue;
            kept.add(entry);
        }
        return String.join(File.pathSeparator, kept);
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
