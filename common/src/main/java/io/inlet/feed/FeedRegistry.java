package io.inlet.feed;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The validated feeds of one feeds file. (Loader: see the feeds-file issue work.) */
public final class FeedRegistry {

    public static FeedRegistry load(Path feedsFile) {
        throw new UnsupportedOperationException("not yet built");
    }

    public static FeedRegistry parse(String yaml, String origin) {
        throw new UnsupportedOperationException("not yet built");
    }

    public Optional<Feed> matchObject(String bucket, String key) {
        throw new UnsupportedOperationException("not yet built");
    }

    public Optional<MessageFeed> matchMessage(String channel) {
        throw new UnsupportedOperationException("not yet built");
    }

    public List<Feed> feeds() {
        throw new UnsupportedOperationException("not yet built");
    }

    public List<MessageFeed> messageFeeds() {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Every event table the feeds write to, including the default {@code events}. */
    public Set<String> eventTables() {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Every logical destination name the feeds route to. */
    public Set<String> destinations() {
        throw new UnsupportedOperationException("not yet built");
    }
}
