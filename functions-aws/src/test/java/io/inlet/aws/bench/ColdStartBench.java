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
import java.util.function.ToLongFunction;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cold start of the S3 handler, from JVM launch to the first S3 notification handled, with the
 * Lambda runtime interface client (aws-lambda-java-runtime-interface-client) as the process's main,
 * polling a local Runtime API ({@link RuntimeApiServer}) as it polls Lambda's. Not a unit test: run
 * it with {@code functions-aws/bench/cold-start.sh [rounds] [--crt] [--jvm=FLAG]... [--keep-logs=DIR]}.
 *
 * <p>The parent starts embedded PostgreSQL, S3Proxy and ElasticMQ once, then launches one JVM per run
 * with {@link BenchHandler} as the function (a new object key per run, so every run really ingests):
 * <ul>
 *   <li>{@code handler} runs {@code S3ObjectHandler} on the notification of a small CSV put just
 *       before; {@code baseline} only builds the same two SDK clients. Both with the JVM's default
 *       flags and with the flags the deployment sets ({@link #LAMBDA_FLAGS}), the latter also as
 *       {@code baseline-get}: clients and one {@code GetObject} of the object; timed from
 *       {@code ProcessBuilder.start()} to the response arriving at the Runtime API.</li>
 *   <li>{@code sequential}: the handler with its environment built one step after another, as before
 *       {@code ParallelInit} (C1 only): the reference the parallel init is measured against.</li>
 *   <li>{@code unprimed} / {@code primed}: the SnapStart proxy. Init (the handler's constructor)
 *       builds the environment; {@code primed} also runs the priming hook there. Reported: init (launch
 *       to the runtime client asking for its first event) and the first invocation (event handed out
 *       to response received).</li>
 *   <li>{@code --crt}: handler and baseline on the AWS CRT HTTP client too.</li>
 * </ul>
 * Variants interleave in every round, so that load drift on a shared machine hits them alike; the
 * report gives medians, of the totals and of the steps each function timed ({@link BenchHandler.Phases}).
 * {@code --jvm=FLAG} adds a flag to every function JVM (e.g. {@code -Xlog:class+load:file=...});
 * {@code --keep-logs=DIR} keeps each function's output.
 */
public final class ColdStartBench {

    static final String BUCKET = "vendor-drop";
    static final String CSV = "order_id,ordered_at,amount,quantity\n1,2026-11-20T08:00:00Z,19.90,2\n";
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** What infra sets in JAVA_TOOL_OPTIONS (AWS's advice for short-lived functions: C1 only). */
    static final List<String> LAMBDA_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

    record Variant(String mode, String client, List<String> flags, String name) {
    }

    record Run(long totalMs, long initMs, long invokeMs, Map<String, Long> phases) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 7;
        boolean crt = false;
        List<String> extraFlags = new ArrayList<>();
        Path keepLogs = null;
        for (String a : args) {
            if (a.equals("--crt")) crt = true;
            else if (a.startsWith("--jvm=")) extraFlags.add(a.substring(6));
            else if (a.startsWith("--keep-logs=")) keepLogs = Files.createDirectories(Path.of(a.substring(12)));
            else rounds = Integer.parseInt(a);
        }
        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("handler", "urlconnection", List.of(), "handler, default JVM"),
                new Variant("baseline", "urlconnection", List.of(), "baseline, default JVM"),
                new Variant("handler", "urlconnection", LAMBDA_FLAGS, "handler, C1 only"),
                new Variant("baseline", "urlconnection", LAMBDA_FLAGS, "baseline, C1 only"),
                new Variant("sequential", "urlconnection", LAMBDA_FLAGS, "sequential init, C1 only"),
                new Variant("baseline-get", "urlconnection", LAMBDA_FLAGS, "baseline+GET, C1 only"),
                new Variant("unprimed", "urlconnection", LAMBDA_FLAGS, "unprimed init, C1 only"),
                new Variant("primed", "urlconnection", LAMBDA_FLAGS, "primed init, C1 only")));
        if (crt) {
            variants.add(new Variant("handler", "crt", List.of(), "handler CRT, default JVM"));
            variants.add(new Variant("baseline", "crt", List.of(), "baseline CRT, default JVM"));
        }
        S3Emulator s3 = new S3Emulator();
        SqsEmulator sqs = new SqsEmulator();
        s3.start();
        sqs.start();
        s3.createBucket(BUCKET);
        DatabaseSettings db = TestDatabase.settingsFor(TestDatabase.fresh("order_events", "downstream_events"));
        // the function's classpath: without the emulators (the parent's business, not the function's)
        String classpath = functionClasspath();
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        try (RuntimeApiServer api = new RuntimeApiServer()) {
            // round -1 warms the OS page cache with the jars and is not counted
            for (int round = -1; round < rounds; round++) {
                for (int i = 0; i < variants.size(); i++) {
                    Variant v = variants.get(i);
                    String key = "acme/bench/" + v.mode() + "-" + v.client() + "-" + i + "-" + round + ".csv";
                    s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(CSV));
                    List<String> flags = new ArrayList<>(v.flags());
                    flags.addAll(extraFlags);
                    Path log = keepLogs == null ? null : keepLogs.resolve(v.mode() + "-" + v.client() + "-" + i + "-" + round + ".log");
                    Run run = launch(api, classpath, v, flags, key, s3, sqs, db, log);
                    if (round >= 0) runs.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(run);
                }
            }
        } finally {
            sqs.stop();
            s3.stop();
        }
        report(runs, rounds);
        System.exit(0);
    }

    static void report(Map<String, List<Run>> runs, int rounds) {
        System.out.printf("%d rounds; medians in ms%n%n", rounds);
        System.out.printf("%-26s %7s  %s%n", "variant", "median", "runs (ms)");
        Map<String, Long> medians = new LinkedHashMap<>();
        runs.forEach((name, list) -> {
            if (name.contains("primed")) return;
            medians.put(name, median(list, Run::totalMs));
            System.out.printf("%-26s %7d  %s%n", name, medians.get(name), list.stream().map(Run::totalMs).toList());
        });
        for (String jvm : List.of("default JVM", "C1 only", "CRT, default JVM")) {
            Long handler = medians.get("handler" + (jvm.startsWith("CRT") ? " " : ", ") + jvm);
            Long baseline = medians.get("baseline" + (jvm.startsWith("CRT") ? " " : ", ") + jvm);
            if (handler != null && baseline != null) {
                System.out.printf("overhead of the handler over the baseline, %s: %d ms%n", jvm, handler - baseline);
            }
        }
        Long sequential = medians.get("sequential init, C1 only");
        Long c1Baseline = medians.get("baseline, C1 only");
        if (sequential != null && c1Baseline != null) {
            System.out.printf("overhead of the handler with the sequential init over the baseline, C1 only: %d ms%n",
                    sequential - c1Baseline);
        }
        Long handler = medians.get("handler, C1 only");
        Long withGet = medians.get("baseline+GET, C1 only");
        if (handler != null && withGet != null) {
            System.out.printf("overhead of the handler over the baseline with one GetObject, C1 only: %d ms%n", handler - withGet);
        }
        System.out.printf("%nsteps timed inside the function (median ms; start = launch to handler entry)%n");
        runs.forEach((name, list) -> {
            Map<String, Long> phases = new LinkedHashMap<>();
            list.get(0).phases().keySet().forEach(p -> phases.put(p, median(list, r -> r.phases().getOrDefault(p, 0L))));
            System.out.printf("%-26s %s%n", name, phases);
        });
        System.out.printf("%nSnapStart proxy: init = launch to the runtime client's first `next`; "
                + "first invocation = event handed out to response received%n");
        System.out.printf("%-26s %7s %7s  %s%n", "variant", "init", "first", "runs (init/first ms)");
        runs.forEach((name, list) -> {
            if (!name.contains("primed")) return;
            System.out.printf("%-26s %7d %7d  %s%n", name, median(list, Run::initMs), median(list, Run::invokeMs),
                    list.stream().map(r -> r.initMs() + "/" + r.invokeMs()).toList());
        });
    }

    static Run launch(RuntimeApiServer api, String classpath, Variant v, List<String> flags, String key, S3Emulator s3,
                      SqsEmulator sqs, DatabaseSettings db, Path keptLog) throws Exception {
        String requestId = UUID.randomUUID().toString();
        api.invoke(requestId, notification(key));
        Path log = keptLog != null ? keptLog : Files.createTempFile("inlet-bench-", ".log");
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(flags);
        // the deployed logging set-up (JSON encoder), not the test classpath's logback-test.xml
        command.add("-Dlogback.configurationFile=" + Path.of("target/classes/logback.xml").toAbsolutePath());
        command.addAll(List.of("-cp", classpath, RIC_MAIN, BenchHandler.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "inlet-bench");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "bench");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/inlet-bench");
        env.put("AWS_REGION", "us-east-1");
        env.remove("JAVA_TOOL_OPTIONS");
        env.put("BENCH_MODE", v.mode());
        env.put("BENCH_HTTP_CLIENT", v.client());
        env.put("BENCH_S3", s3.endpoint().toString());
        env.put("BENCH_SQS", sqs.endpoint().toString());
        env.put("BENCH_DB_URL", db.url());
        env.put("BENCH_DB_USER", db.user());
        env.put("BENCH_DB_PASSWORD", db.password() == null ? "" : db.password());
        env.put("BENCH_LAUNCH_MILLIS", Long.toString(System.currentTimeMillis()));
        if (flags.stream().anyMatch(f -> f.startsWith("-Xlog:class+load"))) env.put("BENCH_MARKS", "1");
        long started = System.nanoTime();
        Process p = pb.start();
        try {
            RuntimeApiServer.Result result;
            try {
                result = api.awaitResult(60);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; the function's output:\n" + Files.readString(log), e);
            }
            boolean expected = !result.error() && result.requestId().equals(requestId)
                    && result.body().contains(v.mode().startsWith("baseline") ? "BASELINE " + v.client()
                    : "COMPLETED " + BUCKET + "/" + key);
            if (!expected) {
                throw new IllegalStateException(v.name() + " answered " + result + "\n" + Files.readString(log));
            }
            p.waitFor(0, TimeUnit.MILLISECONDS);
            return new Run((result.receivedNanos() - started) / 1_000_000, (result.servedNanos() - started) / 1_000_000,
                    (result.receivedNanos() - result.servedNanos()) / 1_000_000, phases(log));
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            if (keptLog == null) Files.deleteIfExists(log);
        }
    }

    /** The steps the function timed: its {@code BENCH-PHASES name=ms ...} line (written before it answers). */
    static Map<String, Long> phases(Path log) throws Exception {
        Map<String, Long> phases = new LinkedHashMap<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.startsWith("BENCH-PHASES")) continue;
            for (String pair : line.substring("BENCH-PHASES".length()).trim().split(" ")) {
                int eq = pair.indexOf('=');
                phases.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        return phases;
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

    static long median(List<Run> runs, ToLongFunction<Run> value) {
        List<Long> sorted = runs.stream().map(value::applyAsLong).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
