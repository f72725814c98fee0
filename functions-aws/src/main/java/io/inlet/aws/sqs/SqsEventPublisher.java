package io.inlet.aws.sqs;

import io.inlet.event.TraceContext;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * {@link EventPublisher} on SQS: {@code SendMessageBatch}, at most 10 entries and 256 KiB per call,
 * each entry's failure reported on its own.
 *
 * <ul>
 *   <li>The calls of one {@link #publish} run concurrently, at most {@code sendConcurrency} at a time
 *       (threads owned by this publisher; 1 sends them one after another on the caller's thread).
 *       {@code publish} returns when every call has answered.</li>
 *   <li>The logical destination maps to a queue URL from configuration; an unknown destination
 *       fails just its messages.</li>
 *   <li>FIFO queues (URL ending {@code .fifo}): message group = stream id (or, when SQS would refuse
 *       the stream id as a group id, {@code sha256-} and its hex SHA-256: see {@link #groupId}),
 *       deduplication id = event id. The messages are split into lanes by group (a group always in the same lane); lanes run
 *       concurrently, each lane sends its calls one after another, so a group's messages go out in
 *       order. Once a message of a group fails, the later messages of that group in this call are
 *       not sent (failed), so the group's order holds when the relay retries.</li>
 *   <li>Attributes {@code eventType}, {@code schemaVersion}, {@code correlationId} (when set) and
 *       {@code traceparent} (W3C trace context, when the correlation id is a trace id).</li>
 *   <li>A message over the claim check's threshold (default {@link #MAX_MESSAGE_BYTES}) goes as a
 *       claim check: the body is put in S3 and the message carries the SQS Extended Client's pointer
 *       ({@link PayloadS3Pointer}) plus the same attributes and {@code ExtendedPayloadSize}. Without a
 *       claim-check bucket a message over {@link #MAX_MESSAGE_BYTES} fails.</li>
 * </ul>
 *
 * <p>An unexpected exception in any call (not an {@link SdkException}, which fails just that call's
 * messages) is thrown from {@code publish} once every call has ended: the relay then retries the
 * whole batch. Close the publisher to stop its threads; they are daemons and end after a minute idle
 * anyway.
 */
public final class SqsEventPublisher implements EventPublisher, AutoCloseable {

    /** SQS's default queue limit on a message (body plus attributes): the default claim-check threshold. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;
    /** SQS's largest message (and SendMessageBatch request): 1 MiB, a queue's MaximumMessageSize at most. */
    public static final int SQS_MAX_MESSAGE_BYTES = 1024 * 1024;
    /** SendMessageBatch calls in flight per publisher unless configured otherwise. */
    public static final int DEFAULT_SEND_CONCURRENCY = 8;
    /** Upper bound of the send concurrency: beyond it threads and connections cost more than they bring. */
    public static final int MAX_SEND_CONCURRENCY = 64;
    static final int MAX_BATCH_ENTRIES = 10;

    private static final AtomicInteger PUBLISHERS = new AtomicInteger();

    private final SqsClient sqs;
    private final S3Client s3;
    private final Map<String, String> queueUrls;
    private final ClaimCheck claimCheck;
    private final int sendConcurrency;
    private final int messageLimit; // a message larger than this goes as a claim check (or fails without one)
    private final int requestLimit; // bytes of one SendMessageBatch call
    private final ThreadPoolExecutor sender; // null at concurrency 1: calls run on the caller's thread

    /** A publisher sending {@link #DEFAULT_SEND_CONCURRENCY} calls at a time. */
    public SqsEventPublisher(SqsClient sqs, S3Client s3, Map<String, String> queueUrls, ClaimCheck claimCheck) {
        this(sqs, s3, queueUrls, claimCheck, DEFAULT_SEND_CONCURRENCY);
    }

    /**
     * @param sqs             thread-safe, shared by the sending threads
     * @param queueUrls       logical destination -> queue URL
     * @param claimCheck      where oversized bodies go; null to fail them instead
     * @param s3              used only for claim checks; may be null when claimCheck is
     * @param sendConcurrency SendMessageBatch calls in flight at most, 1..{@link #MAX_SEND_CONCURRENCY}
     */
    public SqsEventPublisher(SqsClient sqs, S3Client s3, Map<String, String> queueUrls, ClaimCheck claimCheck,
                             int sendConcurrency) {
        if (claimCheck != null && s3 == null) throw new IllegalArgumentException("a claim check needs an S3 client");
        if (sendConcurrency < 1 || sendConcurrency > MAX_SEND_CONCURRENCY) {
            throw new IllegalArgumentException("send concurrency must be 1.." + MAX_SEND_CONCURRENCY + " (was "
                    + sendConcurrency + ")");
        }
        this.sqs = sqs;
        this.s3 = s3;
        this.queueUrls = Map.copyOf(queueUrls);
        this.claimCheck = claimCheck;
        this.sendConcurrency = sendConcurrency;
        this.messageLimit = claimCheck == null ? MAX_MESSAGE_BYTES : claimCheck.thresholdBytes();
        this.requestLimit = Math.max(MAX_MESSAGE_BYTES, messageLimit);
        this.sender = sendConcurrency == 1 ? null : sendingThreads(sendConcurrency);
    }

    // Threads start on the first call (none exists in a SnapStart snapshot taken before it) and end
    // after a minute idle, so a frozen or idle environment holds none.
    private static ThreadPoolExecutor sendingThreads(int n) {
        String prefix = "inlet-sqs-send-" + PUBLISHERS.incrementAndGet() + "-";
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, prefix + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public int sendConcurrency() {
        return sendConcurrency;
    }

    @Override
    public PublishResult publish(List<OutboxMessage> batch) {
        Outcome outcome = new Outcome();
        List<Future<Outcome>> calls = new ArrayList<>();
        Map<String, List<OutboxMessage>> byDestination = new LinkedHashMap<>();
        for (OutboxMessage m : batch) byDestination.computeIfAbsent(m.destination(), d -> new ArrayList<>()).add(m);

        for (Map.Entry<String, List<OutboxMessage>> e : byDestination.entrySet()) {
            String destination = e.getKey();
            String queueUrl = queueUrls.get(destination);
            if (queueUrl == null) {
                String reason = "unknown destination '" + destination + "' (configured: " + new TreeSet<>(queueUrls.keySet())
                        + ")";
                e.getValue().forEach(m -> outcome.failed.put(m.outboxId(), reason));
            } else if (queueUrl.endsWith(".fifo")) {
                // a lane judges each message after the calls before it answered: it sends them itself
                for (List<OutboxMessage> lane : lanesByGroup(e.getValue())) {
                    calls.add(submit(() -> {
                        Outcome laneOutcome = new Outcome();
                        new QueueBatch(destination, queueUrl, laneOutcome, null).send(lane);
                        return laneOutcome;
                    }));
                }
            } else {
                // a standard queue has no order: chunks are built here, each call goes out on its own
                new QueueBatch(destination, queueUrl, outcome, chunk -> calls.add(submit(() -> sendChunk(queueUrl, chunk))))
                        .send(e.getValue());
            }
        }
        awaitAll(calls).forEach(outcome::add);
        return new PublishResult(outcome.published, outcome.failed);
    }

    /** The messages split by FIFO group over at most {@code sendConcurrency} lanes, each in the given order. */
    private List<List<OutboxMessage>> lanesByGroup(List<OutboxMessage> messages) {
        Map<Integer, List<OutboxMessage>> lanes = new TreeMap<>();
        for (OutboxMessage m : messages) {
            int lane = Math.floorMod(Objects.hashCode(m.streamId()), sendConcurrency);
            lanes.computeIfAbsent(lane, l -> new ArrayList<>()).add(m);
        }
        return new ArrayList<>(lanes.values());
    }

    private Future<Outcome> submit(Callable<Outcome> call) {
        if (sender == null) {
            try {
                return CompletableFuture.completedFuture(call.call());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return sender.submit(call);
    }

    // Waits for every call, even after one threw, so none is still running when publish returns.
    private static List<Outcome> awaitAll(List<Future<Outcome>> calls) {
        List<Outcome> outcomes = new ArrayList<>();
        RuntimeException thrown = null;
        boolean interrupted = false;
        for (Future<Outcome> call : calls) {
            while (true) {
                try {
                    outcomes.add(call.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (thrown == null) {
                        thrown = e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException("SendMessageBatch call failed", e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (thrown != null) throw thrown;
        return outcomes;
    }

    /** One SendMessageBatch call: what SQS accepted and refused, or all of it failed when the call itself failed. */
    private Outcome sendChunk(String queueUrl, Chunk chunk) {
        Outcome out = new Outcome();
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk.entries()));
            for (SendMessageBatchResultEntry ok : response.successful()) {
                out.published.put(chunk.messages().get(ok.id()).outboxId(), ok.messageId());
            }
            for (BatchResultErrorEntry err : response.failed()) {
                out.failed.put(chunk.messages().get(err.id()).outboxId(), err.code()
                        + (Boolean.TRUE.equals(err.senderFault()) ? " (sender fault)" : "") + ": " + err.message());
            }
        } catch (SdkException ex) {
            // nothing is known about this call: its messages count as not published and are retried
            String reason = "SendMessageBatch to " + queueUrl + " failed: " + ex.getMessage();
            chunk.messages().values().forEach(m -> out.failed.put(m.outboxId(), reason));
        }
        return out;
    }

    /** Stops the sending threads; a publish after close fails. */
    @Override
    public void close() {
        if (sender != null) sender.shutdown();
    }

    /** The entries of one SendMessageBatch call and the message behind each entry id. */
    private record Chunk(List<SendMessageBatchRequestEntry> entries, Map<String, OutboxMessage> messages) {
    }

    /** Results of one thread's part of a publish; merged on the caller's thread. */
    private static final class Outcome {
        final Map<Long, String> published = new LinkedHashMap<>();
        final Map<Long, String> failed = new LinkedHashMap<>();

        void add(Outcome other) {
            published.putAll(other.published);
            failed.putAll(other.failed);
        }
    }

    /**
     * The messages of one call for one queue (or one FIFO lane), cut into chunks that respect SQS's
     * batch limits. Used by one thread. With a dispatcher, each chunk is handed to it; without one,
     * each chunk is sent at once and its result known before the next message is judged (FIFO).
     */
    private final class QueueBatch {
        private final String destination;
        private final String queueUrl;
        private final boolean fifo;
        private final Outcome outcome;
        private final Consumer<Chunk> dispatcher;
        private final Set<String> failedGroups = new HashSet<>();
        private final Map<String, OutboxMessage> chunk = new LinkedHashMap<>();
        private final List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        private int chunkBytes;

        QueueBatch(String destination, String queueUrl, Outcome outcome, Consumer<Chunk> dispatcher) {
            this.destination = destination;
            this.queueUrl = queueUrl;
            this.fifo = queueUrl.endsWith(".fifo");
            this.outcome = outcome;
            this.dispatcher = dispatcher;
        }

        void send(List<OutboxMessage> messages) {
            for (OutboxMessage m : messages) {
                // send what is pending first, so a failure in it is known before this message is judged
                if (entries.size() == MAX_BATCH_ENTRIES) flush();
                if (groupAlreadyFailed(m)) continue;
                SendMessageBatchRequestEntry entry;
                try {
                    entry = entryFor(m);
                } catch (RuntimeException ex) {
                    fail(m, "claim check failed: " + ex.getMessage());
                    continue;
                }
                if (entry == null) continue;
                int size = sizeOf(entry);
                if (chunkBytes + size > requestLimit) {
                    flush();
                    if (groupAlreadyFailed(m)) continue;
                }
                entries.add(entry);
                chunk.put(entry.id(), m);
                chunkBytes += size;
            }
            flush();
        }

        private boolean groupAlreadyFailed(OutboxMessage m) {
            if (!fifo || !failedGroups.contains(m.streamId())) return false;
            outcome.failed.put(m.outboxId(), "not sent: an earlier message of group '" + m.streamId() + "' failed");
            return true;
        }

        private SendMessageBatchRequestEntry entryFor(OutboxMessage m) {
            Map<String, MessageAttributeValue> attributes = attributes(m);
            String body = m.body();
            int bodyBytes = bytes(body);
            if (bodyBytes + attributeBytes(attributes) > messageLimit) {
                if (claimCheck == null) {
                    fail(m, "body of " + bodyBytes + " bytes exceeds the SQS limit of " + MAX_MESSAGE_BYTES
                            + " and no claim-check bucket is configured");
                    return null;
                }
                body = storeClaimCheck(m);
                attributes.put(PayloadS3Pointer.SIZE_ATTRIBUTE, MessageAttributeValue.builder().dataType("Number")
                        .stringValue(Integer.toString(bodyBytes)).build());
            }
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id("m" + m.outboxId()).messageBody(body).messageAttributes(attributes);
            if (fifo) entry.messageGroupId(groupId(m.streamId())).messageDeduplicationId(m.eventId().toString());
            return entry.build();
        }

        private String storeClaimCheck(OutboxMessage m) {
            String key = claimCheck.keyFor(destination, m.eventId().toString());
            s3.putObject(PutObjectRequest.builder().bucket(claimCheck.bucket()).key(key)
                    .contentType("application/cloudevents+json").build(), RequestBody.fromString(m.body(), StandardCharsets.UTF_8));
            return new PayloadS3Pointer(claimCheck.bucket(), key).toJson();
        }

        private void flush() {
            if (entries.isEmpty()) return;
            Chunk full = new Chunk(List.copyOf(entries), new LinkedHashMap<>(chunk));
            entries.clear();
            chunk.clear();
            chunkBytes = 0;
            if (dispatcher != null) {
                dispatcher.accept(full);
                return;
            }
            Outcome sent = sendChunk(queueUrl, full);
            outcome.add(sent);
            for (OutboxMessage m : full.messages().values()) {
                if (fifo && sent.failed.containsKey(m.outboxId())) failedGroups.add(m.streamId());
            }
        }

        private void fail(OutboxMessage m, String reason) {
            outcome.failed.put(m.outboxId(), reason);
            if (fifo) failedGroups.add(m.streamId());
        }
    }

    private static Map<String, MessageAttributeValue> attributes(OutboxMessage m) {
        Map<String, MessageAttributeValue> a = new LinkedHashMap<>();
        a.put("eventType", MessageAttributeValue.builder().dataType("String").stringValue(m.eventType()).build());
        a.put("schemaVersion", MessageAttributeValue.builder().dataType("Number")
                .stringValue(Integer.toString(m.schemaVersion())).build());
        if (m.correlationId() != null && !m.correlationId().isEmpty()) {
            a.put("correlationId", MessageAttributeValue.builder().dataType("String").stringValue(m.correlationId())
                    .build());
        }
        if (m.traceparent() != null) {
            a.put(TraceContext.TRACEPARENT, MessageAttributeValue.builder().dataType("String").stringValue(m.traceparent())
                    .build());
        }
        return a;
    }

    /**
     * The FIFO message group of a stream: the stream id itself when SQS takes it as one (1 to 128
     * ASCII letters, digits and punctuation), else {@code sha256-} and the hex SHA-256 of its UTF-8
     * bytes, the same for every message of the stream. SQS refuses any other group id, and a stream id
     * comes from vendor data: refused, its stream would be retried and held for ever.
     */
    static String groupId(String streamId) {
        if (streamId == null || isGroupId(streamId)) return streamId;
        try {
            return "sha256-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(streamId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static boolean isGroupId(String s) {
        if (s.isEmpty() || s.length() > 128) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) return false;
        }
        return true;
    }

    private static int sizeOf(SendMessageBatchRequestEntry entry) {
        return bytes(entry.messageBody()) + attributeBytes(entry.messageAttributes());
    }

    /** SQS counts an attribute as its name, its data type and its value. */
    private static int attributeBytes(Map<String, MessageAttributeValue> attributes) {
        int n = 0;
        for (Map.Entry<String, MessageAttributeValue> a : attributes.entrySet()) {
            n += bytes(a.getKey()) + bytes(a.getValue().dataType()) + bytes(a.getValue().stringValue());
        }
        return n;
    }

    private static int bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
