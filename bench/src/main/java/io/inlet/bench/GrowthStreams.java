package io.inlet.bench;

/**
 * The streams of the growth benchmark's event table and each one's last version, kept in the client
 * so that preloaded rows (COPY, no statement numbers them) continue every stream gaplessly after
 * what is stored. The orders file's customers ({@link OrdersCsv}: {@code cust-000000} to
 * {@code cust-<fileStreams - 1>}) are streams 0 to fileStreams - 1, {@code customer-cust-000123};
 * stream {@code k} beyond them is {@code customer-cust-<k mod fileStreams>-<k / fileStreams>}, so
 * that in the unique (stream_id, stream_version) index the file's streams lie spread evenly among
 * all the others, as a vendor file's customers are a sample of all customers (not a contiguous
 * range of the index, which would keep the file's part of it small however large the table).
 */
final class GrowthStreams {

    static final String PREFIX = "customer-cust-";

    private final long[] heads;
    private final int fileStreams;

    GrowthStreams(int streams, int fileStreams) {
        if (fileStreams > streams || fileStreams < 1) throw new IllegalArgumentException(fileStreams + " of " + streams);
        this.heads = new long[streams];
        this.fileStreams = fileStreams;
    }

    int size() {
        return heads.length;
    }

    /** The stream's id; for the file's streams as the orders feed's {@code customer-{customer}} renders it. */
    String id(int k) {
        StringBuilder s = new StringBuilder(PREFIX.length() + 12).append(PREFIX);
        String digits = Integer.toString(k % fileStreams);
        for (int i = digits.length(); i < 6; i++) s.append('0');
        s.append(digits);
        if (k >= fileStreams) s.append('-').append(k / fileStreams);
        return s.toString();
    }

    /** The stream number of an id made by {@link #id}. */
    int number(String streamId) {
        if (!streamId.startsWith(PREFIX)) throw new IllegalArgumentException("not a growth bench stream: " + streamId);
        String rest = streamId.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash < 0) return Integer.parseInt(rest);
        return Integer.parseInt(rest.substring(0, dash)) + fileStreams * Integer.parseInt(rest.substring(dash + 1));
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
