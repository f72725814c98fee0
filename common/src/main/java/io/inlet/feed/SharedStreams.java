package io.inlet.feed;

import io.inlet.event.StreamTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Refuses feeds of different vendors whose stream ids can coincide in one event table, unless both
 * set {@code shared_streams: true}: otherwise one vendor's records could append to another's streams.
 *
 * <p>Two templates can coincide when some values of their placeholders render the same stream id.
 * A placeholder stands for any non-empty text (vendor values are arbitrary), so a template is the
 * language {@code literal (.+ literal)*}, and the test is the exact emptiness of two languages'
 * intersection ({@link GlobOverlap}). So {@code acme:order-{id}} and {@code globex:order-{id}} never
 * coincide, while {@code order-{id}} and {@code order-{a}-{b}} do, and a template that begins with a
 * placeholder coincides with any template that ends like it could.
 *
 * <p>A feed's vendor is its bucket and the first folder of its key pattern ({@code vendor-drop/acme},
 * the prefix vendor isolation uses), or for a message feed its channel; a key pattern whose first
 * segment has a wildcard or no '/' makes the feed a vendor of its own.
 */
final class SharedStreams {

    /** One writer of streams: a file or message feed. */
    private record Writer(String kind, String name, String table, String template, List<GlobToken> language,
                          String vendor, boolean shares) {
    }

    private SharedStreams() {
    }

    static void check(String origin, FeedsFile.Contents contents) {
        List<Writer> writers = new ArrayList<>();
        Set<String> sharing = contents.sharedStreams();
        for (Feed f : contents.feeds()) {
            writers.add(writer("feed", f.name(), f.table(), f.mapping().streamId(), vendorOf(f), sharing.contains(f.name())));
        }
        for (MessageFeed f : contents.messageFeeds()) {
            // a CloudEvent (format cloudevent, or auto when one arrives) names its stream by its subject: any text
            String template = f.format() == MessageFeed.Format.JSON ? f.mapping().streamId() : "{subject}";
            writers.add(writer("message feed", f.name(), f.table(), template, "channel " + f.channel(), sharing.contains(f.name())));
        }
        for (int j = 1; j < writers.size(); j++) {
            Writer b = writers.get(j);
            for (int i = 0; i < j; i++) {
                Writer a = writers.get(i);
                if (!a.table().equals(b.table()) || a.vendor().equals(b.vendor()) || (a.shares() && b.shares())) continue;
                if (GlobOverlap.overlaps(a.language(), b.language())) {
                    throw new FeedConfigException(origin + ": " + b.kind() + " '" + b.name() + "': mapping.stream_id: stream ids of '"
                            + b.template() + "' can equal those of " + a.kind() + " '" + a.name() + "' ('" + a.template() + "') in table "
                            + b.table() + ", so one vendor could append to the other's streams; scope the template by vendor (e.g. '"
                            + scopeName(b) + ":" + b.template() + "') or set shared_streams: true on both feeds");
                }
            }
        }
    }

    private static Writer writer(String kind, String name, String table, String template, String vendor, boolean shares) {
        return new Writer(kind, name, table, template, language(StreamTemplate.parse(template)), vendor, shares);
    }

    /** The stream ids a template can render: its literals with any non-empty text for each placeholder. */
    static List<GlobToken> language(StreamTemplate template) {
        List<GlobToken> tokens = new ArrayList<>();
        List<String> literals = template.literals();
        for (int i = 0; i < literals.size(); i++) {
            if (i > 0) {
                tokens.add(GlobToken.of(GlobToken.Kind.ONE_ANY));
                tokens.add(GlobToken.of(GlobToken.Kind.GLOBSTAR));
            }
            literals.get(i).codePoints().forEach(cp -> tokens.add(GlobToken.literal(cp)));
        }
        return tokens;
    }

    private static String vendorOf(Feed feed) {
        String pattern = feed.match().keyPattern();
        int slash = pattern.indexOf('/');
        String folder = slash < 0 ? null : pattern.substring(0, slash);
        if (folder == null || folder.isEmpty() || folder.contains("*") || folder.contains("?")) return "feed " + feed.name();
        return feed.match().bucket() + "/" + folder;
    }

    /** What a vendor scope in the suggested template could read: the vendor's folder, else the feed's name. */
    private static String scopeName(Writer w) {
        if (w.vendor().startsWith("feed ") || w.vendor().startsWith("channel ")) return w.name();
        return w.vendor().substring(w.vendor().lastIndexOf('/') + 1);
    }
}
