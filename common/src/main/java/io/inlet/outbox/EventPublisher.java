package io.inlet.outbox;

import java.util.List;

/**
 * Publishes derived events to queues or topics.
 *
 * <p>Contract (every implementation passes {@code EventPublisherContract} in common's test-jar):
 * <ul>
 *   <li>At least once: a message reported published was accepted by the broker. A message may be
 *       published again after a crash between publishing and marking; consumers dedupe on the
 *       event id (the CloudEvent id).</li>
 *   <li>Each message arrives with its body unchanged (the CloudEvent JSON) and the attributes
 *       {@code eventType}, {@code schemaVersion}, {@code correlationId} (when set) and
 *       {@code traceparent} (when set), values unchanged whatever characters they hold.
 *       {@link PublishResult#published()} maps each outbox id to the id the consumer sees on that
 *       message.</li>
 *   <li>On an ordered destination (FIFO queue, topic with ordering, a file) the ordering key or
 *       message group is the stream id, or, where the broker refuses that value, one derived from the
 *       stream id alone: one key per stream, never shared by two.</li>
 *   <li>Per-message failures (refused, too large, unknown destination, throttled) are returned in
 *       {@link PublishResult#failed()} with a reason, never thrown, and fail only those messages
 *       (and, on an ordered destination, the later messages of their stream: below); the relay
 *       retries them with backoff. An empty batch publishes nothing and reports nothing.</li>
 *   <li>An exception means nothing can be said about the batch (broker unreachable): the relay
 *       treats every message of it as not published and retries all of them.</li>
 *   <li>Messages of one stream are given in outbox order; ordered destinations must keep it within a
 *       call. Once a message of a stream fails on an ordered destination, the later messages of that
 *       stream in the same call must not be published: report them failed. (An unordered destination
 *       may publish them.) The relay counts an attempt only for the first failed message of a stream
 *       and holds the rest behind it across calls; a later message accepted after an earlier one
 *       failed reached the destination out of order (the relay logs it, {@code inlet verify} check 09
 *       reports it).</li>
 * </ul>
 */
public interface EventPublisher {

    PublishResult publish(List<OutboxMessage> batch);
}
