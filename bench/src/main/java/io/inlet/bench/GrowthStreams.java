package io.inlet.bench;

/**
 * The streams of the growth benchmark's event table and each one's last version, kept in the client
 * so that preloaded rows (COPY, no statement numbers them) continue every stream gaplessly after
 * what is stored. Stream {@code k} is {@code customer-cust-<k, six digits or more>}: the orders
 * file's customers ({@link OrdersCsv}, {@code cust-000000} up) are the first streams, so the file's
 * appends land on streams the preload has filled, as a vendor's customers keep ordering.
 */
final class GrowthStreams {

    static final String PREFIX = "customer-cust-";

    private final long[] heads;

    GrowthStreams(int streams) {
        heads = new long[streams];
    }

    int size() {
        return heads.length;
    }

    /** The stream's id, as the orders feed's {@code customer-{customer}} renders it. */
    static String id(int k) {
        StringBuilder s = new StringBuilder(PREFIX.length() + 7).append(PREFIX);
        String digits = Integer.toString(k);
        for (int i = digits.length(); i < 6; i++) s.append('0');
        return s.append(digits).toString();
    }

    /** The stream number of an id made by {@link #id}. */
    static int number(String streamId) {
        if (!streamId.startsWith(PREFIX)) throw new IllegalArgumentException("not a growth bench stream: " + streamId);
        return Integer.parseInt(streamId.substring(PREFIX.length()));
    }

    /** The next version of stream {@code k}, taken. */
    long next(int k) {
        return ++heads[k];
    }

    long head(int k) {
        return heads[k];
    }

    /** Records {@code count} versions appended to stream {@code k} by someone else (Inlet). */
    void advance(int k, long count) {
        heads[k] += count;
    }
}
