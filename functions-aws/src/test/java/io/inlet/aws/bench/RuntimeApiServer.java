package io.inlet.aws.bench;


import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Lambda Runtime API (the HTTP interface the runtime interface client polls), enough for
 * one invocation per process: {@code GET /2018-06-01/runtime/invocation/next} hands out the queued
 * event once (later calls wait), and {@code POST .../response} or {@code .../error} report back.
 * Written on a plain socket: the client needs the headers' exact case, which
 * {@code com.sun.net.httpserver} would rewrite.
 */
final class RuntimeApiServer implements AutoCloseable {

    /**
     * @param servedNanos   when the function's {@code next} call got the event ({@code System.nanoTime()}):
     *                      its init is over
     * @param receivedNanos when its response or error arrived
     */
    record Result(String requestId, boolean error, String body, long servedNanos, long receivedNanos) {
    }

    private final ServerSocket socket;
    /** The event of the current invocation; each invocation is a new generation. */
    private String[] pending;
    private int generation;
    private volatile long servedNanos;
    private final BlockingQueue<Result> results = new ArrayBlockingQueue<>(4);
    private final Thread acceptor;

    RuntimeApiServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "runtime-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** Queues the next invocation's event. */
    synchronized void invoke(String requestId, String eventJson) {
        results.clear();
        generation++;
        pending = new String[] {requestId, eventJson};
        notifyAll();
    }

    /**
     * The event for a {@code next} call that arrived during generation {@code asked}. A process that
     * already answered polls again before it is stopped; its call belongs to the old generation and
     * must never take the event meant for the next process.
     */
    private synchronized String[] take(int asked) throws InterruptedException {
        while (!(asked == generation && pending != null)) {
            if (socket.isClosed()) return null;
            wait(1000);
        }
        String[] event = pending;
        pending = null;
        servedNanos = System.nanoTime();
        return event;
    }

    private synchronized int generation() {
        return generation;
    }

    /** Waits for the function's response or error. */
    Result awaitResult(long timeoutSeconds) throws InterruptedException {
        Result r = results.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (r == null) throw new IllegalStateException("no response from the function within " + timeoutSeconds + " s");
        return r;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "runtime-api-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) return;
                int length = 0;
                for (String h; !(h = line(in)).isEmpty(); ) {
                    if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
                }
                byte[] body = in.readNBytes(length);
                String[] parts = requestLine.split(" ");
                String path = parts[1];
                if (parts[0].equals("GET") && path.endsWith("/runtime/invocation/next")) {
                    String[] event = take(generation());
                    if (event == null) return;
                    byte[] payload = event[1].getBytes(StandardCharsets.UTF_8);
                    write(out, "200 OK", "Lambda-Runtime-Aws-Request-Id: " + event[0] + "\r\n"
                            + "Lambda-Runtime-Deadline-Ms: " + (System.currentTimeMillis() + 60_000) + "\r\n"
                            + "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:inlet-bench\r\n"
                            + "Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000;Sampled=0\r\n"
                            + "Content-Type: application/json\r\n", payload);
                } else if (parts[0].equals("POST") && (path.endsWith("/response") || path.endsWith("/error"))) {
                    long now = System.nanoTime();
                    String[] segments = path.split("/");
                    String id = path.contains("/init/error") ? "init" : segments[segments.length - 2];
                    results.add(new Result(id, path.endsWith("/error"), new String(body, StandardCharsets.UTF_8),
                            servedNanos, now));
                    write(out, "202 Accepted", "Content-Type: application/json\r\n",
                            "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
                } else {
                    write(out, "404 Not Found", "", new byte[0]);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the function's process ended: nothing to answer
        }
    }

    private static void write(OutputStream out, String status, String headers, byte[] body) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') return buf.toString(StandardCharsets.US_ASCII).stripTrailing();
            buf.write(c);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
