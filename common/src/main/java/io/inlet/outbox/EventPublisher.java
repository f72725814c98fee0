package io.inlet.outbox;

import java.util.List;

/**
 * Publishes derived events to queues or topics.
 *
 * <p>Contract:
 * <ul>
 *   <li>At least once: a message reported published was accepted by the broker. A message may be
 *       published again after a crash between publishing and marking; consumers dedupe on the
 *       event id (the CloudEvent id).</li>
 *   <li>Per-message failures (throttled, too large, unknown destination) are returned in
 *       {@link PublishResult#failed()}, never thrown; the relay retries them with backoff.</li>
 *   <li>An exception means nothing can be said about the batch (broker unreachable): the relay
 *       treats every message of it as not published and retries all of them.</li>
 *   <li>Messages of one stream are given in outbox order; ordered destinations must keep it. Once a
 *       message of a stream (for a destination) fails, the later messages of that stream in the same
 *       call must not be published: report them failed. The relay counts an attempt only for the
 *       first failed message of a stream and holds the rest behind it across calls; a later message
 *       accepted after an earlier one failed reached the destination out of order (the relay logs it,
 *       {@code inlet verify} check 09 reports it).</li>
 * </ul>
 */
public interface EventPublisher {

    PublishResult publish(List<OutboxMessage> batch);
}
