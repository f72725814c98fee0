package io.inlet.outbox;

import java.util.Map;

/**
 * What happened to each message of a batch.
 *
 * @param published outbox id -> broker message id, for messages the broker accepted
 * @param failed    outbox id -> reason, for messages it did not; they stay in the outbox and are retried
 */
public record PublishResult(Map<Long, String> published, Map<Long, String> failed) {

    public PublishResult {
        published = Map.copyOf(published);
        failed = Map.copyOf(failed);
    }
}
