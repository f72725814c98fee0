package io.inlet.gcp;

import io.inlet.gcp.pubsub.PubSubBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One function running in the real Functions Framework invoker ({@code java-function-invoker}, the
 * runner of the Cloud Functions Java runtime), as a child process on a free port with this module's
 * test classpath, called over HTTP.
 */
public final class FunctionInvoker implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private FunctionInvoker(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code target} with exactly the given environment variables (plus PATH and JAVA_HOME). */
    public static FunctionInvoker start(Class<?> target, Map<String, String> env) throws Exception {
        // Surefire runs tests from a manifest-only jar; the real test classpath is in this property.
        return start(target, env, System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    }

    /** As {@link #start(Class, Map)} with the function loaded from {@code classpath} (e.g. the uber jar alone). */
    public static FunctionInvoker start(Class<?> target, Map<String, String> env, String classpath) throws Exception {
        String jar = System.getProperty("inlet.invoker.jar", "target/invoker/java-function-invoker.jar");
        if (!Files.isRegularFile(Path.of(jar))) throw new IllegalStateException("invoker jar missing: " + jar);
        int port = PubSubBroker.freePort();
        Path log = Files.createTempFile("invoker-" + target.getSimpleName(), ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Log as deployed: the module's logback.xml, not a logback-test.xml another test-jar brings.
        Path logback = Path.of("target", "classes", "logback.xml").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dlogback.configurationFile=" + logback, "-jar", jar,
                "--classpath", classpath, "--target", target.getName(), "--port", Integer.toString(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("INLET_") || k.equals("PUBSUB_EMULATOR_HOST"));
        pb.environment().putAll(env);
        Process p = pb.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                System.out.println("Functions Framework invoker running " + target.getName() + " on port " + port);
                return new FunctionInvoker(p, port, log);
            } catch (IOException notYet) {
                if (!p.isAlive()) break;
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("invoker did not start:\n" + Files.readString(log));
    }

    public HttpResponse<String> post(Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Sends a recorded request ({@code .http} sample) as it was recorded: its headers, its body. */
    public HttpResponse<String> send(RecordedHttpRequest request) throws Exception {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        request.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
        return post(headers, request.body());
    }

    /** A structured-mode CloudEvent (the whole event as JSON). */
    public HttpResponse<String> postStructured(byte[] cloudEventJson) throws Exception {
        return post(Map.of("Content-Type", "application/cloudevents+json"), cloudEventJson);
    }

    /** Everything the function process wrote (the invoker's own lines and the function's JSON logs). */
    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
