package io.inlet.simulation;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One seed's world, drawn from the seed alone: keys with histories of creates, overwrites and
 * deletes (S3 sequencers of varying length, or GCS generations), the notifications of those
 * histories as the clouds deliver them (duplicated, out of order, some through the other payload
 * shape), business messages (redelivered, resent under new message ids), and the faults.
 *
 * <p>Every name is scoped by the seed ({@code s<seed>/...} keys, {@code s<seed>-...} streams and ids),
 * so many seeds share one database.
 */
record Scenario(long seed, List<Key> keys, List<Notice> notices, List<Message> messages, List<String> streams,
                MemoryBroker.Faults publishFaults, int relays, int relayBatch, double deadlineRate, double dbFaultRate,
                double relayBetweenDeliveries) {

    static final String BUCKET = "sim-drop";

    enum Cloud { AWS, GCS }

    /** How a notification travels: S3 event or EventBridge through SQS; a storage CloudEvent or a Pub/Sub notification. */
    enum Route { S3_EVENT, EVENTBRIDGE, STORAGE_CLOUDEVENT, PUBSUB_NOTIFICATION }

    /** One record of a file version: valid, or with an occurred_at no format accepts (a rejection). */
    record Row(String id, String stream, String at, String amount, boolean valid) {
    }

    /**
     * One step of a key's history, in the order it happened.
     *
     * @param token   S3 sequencer or GCS generation (decimal)
     * @param version S3 version id (delete marker id for a delete) or GCS generation
     * @param etag    content hash of a create (GCS: the md5 of the deleted generation for a delete), else null
     */
    record Version(int index, boolean delete, String token, String version, String etag, List<Row> rows) {
        String csv() {
            StringBuilder b = new StringBuilder("id,stream,at,amount\n");
            for (Row r : rows) b.append(r.id()).append(',').append(r.stream()).append(',').append(r.at()).append(',').append(r.amount()).append('\n');
            return b.toString();
        }
    }

    record Key(String key, Cloud cloud, List<Version> history) {
        Version newest() {
            return history.get(history.size() - 1);
        }
    }

    /**
     * One delivery of one notification (a duplicate is a second Notice of the same version);
     * {@code overwrittenBy}: a GCS notice that the version was replaced by that generation, else null.
     */
    record Notice(Key key, Version version, Route route, String overwrittenBy, int deliveryNo) {
    }

    /** A business message: its events' ids are scoped by the seed; resent copies carry a new message id. */
    record Message(String messageId, Cloud cloud, String id, String stream, String at, String amount) {
        String body() {
            return "{\"id\":\"" + id + "\",\"stream\":\"" + stream + "\",\"at\":\"" + at + "\",\"amount\":\"" + amount + "\"}";
        }
    }

    /** The scenario's knobs, for a failure report. */
    String settings() {
        return keys.size() + " keys, " + notices.size() + " notifications, " + messages.size() + " messages, " + relays
                + " relays of batch " + relayBatch + ", publish faults " + publishFaults + ", deadline rate " + deadlineRate
                + ", database fault rate " + dbFaultRate;
    }

    static Scenario draw(long seed) {
        Random r = new Random(seed);
        String p = "s" + seed;
        List<String> streams = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) streams.add(p + "-st" + i);
        List<Key> keys = new ArrayList<>();
        List<Notice> notices = new ArrayList<>();
        for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
            Cloud cloud = r.nextBoolean() ? Cloud.AWS : Cloud.GCS;
            String key = p + "/k" + k + ".csv";
            int steps = 1 + r.nextInt(4);
            List<String> tokens = cloud == Cloud.AWS ? s3Sequencers(r, steps) : gcsGenerations(r, steps);
            List<Version> history = new ArrayList<>();
            String lastGeneration = null, lastMd5 = null;
            for (int v = 0; v < steps; v++) {
                boolean delete = v > 0 && !history.get(v - 1).delete() && r.nextInt(4) == 0;
                if (cloud == Cloud.AWS) {
                    history.add(delete ? new Version(v, true, tokens.get(v), "dm" + v, null, List.of())
                            : new Version(v, false, tokens.get(v), "v" + v, "e" + v, rows(r, p + "-k" + k + "-v" + v, streams)));
                } else if (delete) {
                    // a GCS delete names the generation it deletes (the live one) and that generation's md5
                    history.add(new Version(v, true, lastGeneration, lastGeneration, lastMd5, List.of()));
                } else {
                    lastGeneration = tokens.get(v);
                    lastMd5 = "md5-" + v;
                    history.add(new Version(v, false, lastGeneration, lastGeneration, lastMd5, rows(r, p + "-k" + k + "-v" + v, streams)));
                }
            }
            Key theKey = new Key(key, cloud, List.copyOf(history));
            keys.add(theKey);
            for (Version v : history) {
                int copies = 1 + (r.nextInt(3) == 0 ? 1 : 0) + (r.nextInt(8) == 0 ? 1 : 0);
                for (int c = 0; c < copies; c++) notices.add(new Notice(theKey, v, route(r, cloud), null, c));
                // GCS: an overwritten live generation is reported as a delete with overwrittenByGeneration: not a delete
                if (cloud == Cloud.GCS && !v.delete() && v.index() > 0 && !history.get(v.index() - 1).delete()) {
                    notices.add(new Notice(theKey, history.get(v.index() - 1), Route.PUBSUB_NOTIFICATION, v.token(), 0));
                }
            }
        }
        java.util.Collections.shuffle(notices, r);
        List<Message> messages = new ArrayList<>();
        for (int m = 0, n = r.nextInt(5); m < n; m++) {
            Cloud cloud = r.nextBoolean() ? Cloud.AWS : Cloud.GCS;
            String id = p + "-m" + m;
            String stream = streams.get(r.nextInt(streams.size()));
            String at = at(r);
            String amount = amount(r);
            messages.add(new Message(p + "-msg" + m, cloud, id, stream, at, amount));
            if (r.nextInt(3) == 0) messages.add(new Message(p + "-msg" + m, cloud, id, stream, at, amount)); // redelivered
            if (r.nextInt(4) == 0) messages.add(new Message(p + "-msg" + m + "-resent", cloud, id, stream, at, amount));
        }
        java.util.Collections.shuffle(messages, r);
        double[] rates = {0, 0.1, 0.3};
        MemoryBroker.Faults faults = new MemoryBroker.Faults(rates[r.nextInt(3)], rates[r.nextInt(2)] / 2,
                rates[r.nextInt(2)] / 2, 1 + r.nextInt(4));
        return new Scenario(seed, List.copyOf(keys), List.copyOf(notices), List.copyOf(messages), List.copyOf(streams), faults,
                1 + r.nextInt(3), 1 + r.nextInt(5), r.nextInt(3) * 0.15, r.nextInt(3) * 0.05, r.nextInt(3) * 0.15);
    }

    private static Route route(Random r, Cloud cloud) {
        if (cloud == Cloud.AWS) return r.nextBoolean() ? Route.S3_EVENT : Route.EVENTBRIDGE;
        return r.nextBoolean() ? Route.STORAGE_CLOUDEVENT : Route.PUBSUB_NOTIFICATION;
    }

    private static List<Row> rows(Random r, String idPrefix, List<String> streams) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0, n = r.nextInt(7); i < n; i++) {
            boolean valid = r.nextInt(7) != 0;
            rows.add(new Row(idPrefix + "-r" + i, streams.get(r.nextInt(streams.size())), valid ? at(r) : "not-a-time",
                    amount(r), valid));
        }
        return rows;
    }

    private static String at(Random r) {
        return String.format(Locale.ROOT, "2026-01-%02dT%02d:%02d:00Z", 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60));
    }

    private static String amount(Random r) {
        return r.nextInt(100000) + "." + r.nextInt(100);
    }

    /**
     * {@code n} distinct S3 sequencers in S3's order (right pad, then compare), of varying length
     * and case: a later one is often shorter than an earlier one.
     */
    static List<String> s3Sequencers(Random r, int n) {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            StringBuilder s = new StringBuilder();
            for (int i = 0, len = 1 + r.nextInt(20); i < len; i++) s.append("00123456789abcdefABCDEF".charAt(r.nextInt(23)));
            String t = s.toString();
            if (out.stream().noneMatch(o -> s3Order(o, t) == 0)) out.add(t);
        }
        out.sort(Scenario::s3Order);
        return out;
    }

    /** S3's documented rule, written out: right pad the shorter with zeros, then compare (case-insensitive hex). */
    static int s3Order(String a, String b) {
        int n = Math.max(a.length(), b.length());
        return Integer.signum((a + "0".repeat(n - a.length())).toUpperCase(Locale.ROOT)
                .compareTo((b + "0".repeat(n - b.length())).toUpperCase(Locale.ROOT)));
    }

    /** {@code n} increasing GCS generations of varying digit counts (9 < 10 is where text order fails). */
    static List<String> gcsGenerations(Random r, int n) {
        List<String> out = new ArrayList<>();
        BigInteger g = BigInteger.valueOf(1 + r.nextInt(20));
        for (int i = 0; i < n; i++) {
            out.add(g.toString());
            g = g.add(BigInteger.TEN.pow(r.nextInt(14)).multiply(BigInteger.valueOf(1 + r.nextInt(9))));
        }
        return out;
    }

    /** The key's order of two of its versions' tokens by the model (S3 right-pad rule, GCS numbers). */
    static Comparator<String> tokenOrder(Cloud cloud) {
        return cloud == Cloud.AWS ? Scenario::s3Order : Comparator.comparing(BigInteger::new);
    }
}
