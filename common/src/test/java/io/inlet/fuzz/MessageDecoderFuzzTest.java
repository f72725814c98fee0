package io.inlet.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inlet.ingest.MessageDecoder;
import io.inlet.event.RecordContext;
import io.inlet.failure.PermanentException;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.ingest.InboundMessage;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Any message body and attributes: decoded events, or a {@link PermanentException} with a reason. */
class MessageDecoderFuzzTest {

    static final FeedRegistry FEEDS = FeedRegistry.parse("""
            version: 1
            feeds: []
            messages:
              - name: billing
                channel: billing
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, formats: ["iso", "epoch_millis"], fallback_to_ingestion_time: true }
                  id: { strategy: column, column: id }
                  payload: { include: all, fields: { total: { type: decimal } } }
                table: billing_events
            """, "fuzz-feeds.yaml");
    static final MessageFeed FEED = FEEDS.messageFeeds().get(0);
    static final MessageDecoder DECODER = new MessageDecoder(FEEDS);

    @FuzzTest(maxDuration = "20s")
    void anyMessageDecodesOrFailsPermanently(FuzzedDataProvider data) {
        Map<String, String> attributes = new HashMap<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            attributes.put(data.pickValue(new String[] {"ce-id", "ce-source", "ce-type", "ce-specversion", "ce-time",
                    "ce-subject", "content-type", "x"}), data.consumeString(40));
        }
        InboundMessage m = new InboundMessage("m-1", "billing", data.consumeRemainingAsString(), attributes);
        try {
            DECODER.decode(m, FEED, new RecordContext("billing", null, "billing/m-1", "m-1", "m-1", Instant.EPOCH));
        } catch (PermanentException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new IllegalStateException("a permanent failure without a reason", expected);
            }
        }
    }
}
