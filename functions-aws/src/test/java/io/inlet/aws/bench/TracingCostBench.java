package io.inlet.aws.bench;

import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.S3ObjectHandler;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.aws.trace.TraceSettings;
import io.inlet.aws.trace.XRayDaemonSocket;
import io.inlet.aws.trace.XRayTracing;
import io.inlet.testing.TestDatabase;
import io.inlet.trace.Tracing;
import io.inlet.trigger.FeedsLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * What the default span export costs an invocation: the real S3 handler ingests a one-row file (S3Proxy,
 * embedded PostgreSQL) under a sampled X-Ray header, with INLET_TRACING=off versus xray (spans made, then
 * sent to a local UDP socket standing in for the daemon before the handler returns). Rounds alternate the
 * variant order; prints each variant's median invocation time, the median of the per-round ratios
 * xray / off, and the datagrams and bytes one invocation sends. Usage: functions-aws/bench/tracing-cost.sh
 * [rounds] [invocations per round].
 */
public final class TracingCostBench {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        S3Emulator s3 = new S3Emulator();
        s3.start();
        try (XRayDaemonSocket daemon = new XRayDaemonSocket()) {
            s3.createBucket("vendor-drop");
            DataSource db = TestDatabase.fresh("order_events", "downstream_events");
            FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                    "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
            Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(s3.client())))
                    .workerId("bench").build();
            Map<String, String> lambda = Map.of("AWS_LAMBDA_FUNCTION_NAME", "inlet-bench");
            XRayTracing off = XRayTracing.start(new TraceSettings(TraceSettings.Export.OFF, "127.0.0.1", daemon.port(), 1.0), lambda);
            FunctionEnvironment offEnv = new FunctionEnvironment(settings, s3.client(), null, db, inlet, off);
            XRayTracing xray = XRayTracing.start(new TraceSettings(TraceSettings.Export.XRAY, "127.0.0.1", daemon.port(), 1.0), lambda);
            FunctionEnvironment xrayEnv = new FunctionEnvironment(settings, s3.client(), null, db, inlet, xray);
            int[] counter = {0};
            // warm-up of both paths
            run(offEnv, off, s3, counter, 20);
            run(xrayEnv, xray, s3, counter, 20);
            daemon.drain();
            List<Double> offMs = new ArrayList<>();
            List<Double> xrayMs = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            long datagrams = 0;
            long bytes = 0;
            for (int r = 0; r < rounds; r++) {
                double o;
                double x;
                if (r % 2 == 0) {
                    o = run(offEnv, off, s3, counter, perRound);
                    x = run(xrayEnv, xray, s3, counter, perRound);
                } else {
                    x = run(xrayEnv, xray, s3, counter, perRound);
                    o = run(offEnv, off, s3, counter, perRound);
                }
                for (XRayDaemonSocket.Datagram d : daemon.drain()) {
                    datagrams++;
                    bytes += d.bytes();
                }
                offMs.add(o);
                xrayMs.add(x);
                ratios.add(x / o);
                System.out.printf("round %d: off %.2f ms, xray %.2f ms per invocation (ratio %.3f)%n", r + 1, o, x, x / o);
            }
            long invocations = (long) rounds * perRound;
            System.out.printf("median per invocation: off %.2f ms, xray %.2f ms; median ratio xray/off %.3f; "
                            + "per xray invocation %.1f datagrams, %d bytes%n", median(offMs), median(xrayMs), median(ratios),
                    (double) datagrams / invocations, bytes / invocations);
        } finally {
            Tracing.install(null);
            s3.stop();
        }
    }

    /** Median milliseconds of {@code n} invocations, each ingesting a new one-row object. */
    private static double run(FunctionEnvironment env, XRayTracing tracing, S3Emulator s3, int[] counter, int n) throws Exception {
        // the variant's SDK is the installed one while it runs
        tracing.install();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = "acme/orders/bench-" + (counter[0]++) + ".csv";
            s3.client().putObject(b -> b.bucket("vendor-drop").key(key),
                    RequestBody.fromString("order_id,ordered_at,amount,quantity\n" + counter[0] + ",2026-11-20T08:00:00Z,1.50,1\n"));
            var event = env.lambdaJson().s3Event(notification(key, s3.client().headObject(b -> b.bucket("vendor-drop").key(key)).contentLength()));
            System.setProperty("com.amazonaws.xray.traceHeader", "Root=1-" + String.format("%08x", System.currentTimeMillis() / 1000)
                    + "-" + String.format("%024x", counter[0]) + ";Parent=53995c3f42cd8ad8;Sampled=1");
            long started = System.nanoTime();
            new S3ObjectHandler(env).handleRequest(event, null);
            times.add((System.nanoTime() - started) / 1e6);
        }
        return median(times);
    }

    private static String notification(String key, long size) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2026-11-20T08:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"userIdentity\":{\"principalId\":\"p\"},"
                + "\"requestParameters\":{\"sourceIPAddress\":\"127.0.0.1\"},\"responseElements\":{\"x-amz-request-id\":\"r\","
                + "\"x-amz-id-2\":\"i\"},\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":\"c\",\"bucket\":{\"name\":\"vendor-drop\","
                + "\"ownerIdentity\":{\"principalId\":\"p\"},\"arn\":\"arn:aws:s3:::vendor-drop\"},\"object\":{\"key\":\"" + key
                + "\",\"size\":" + size + ",\"eTag\":\"e\",\"sequencer\":\"00\"}}}]}";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
