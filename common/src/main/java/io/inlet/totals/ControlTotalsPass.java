package io.inlet.totals;

import io.inlet.failure.Deadline;
import io.inlet.feed.ControlTotals;
import io.inlet.feed.Feed;
import io.inlet.parse.FileFormatException;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RawRecord;
import io.inlet.parse.MalformedRecord;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import io.inlet.parse.StreamOpener;
import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The verification pass: one streaming read of a file, before any of its records loads, that
 * counts its data records, sums the declared columns exactly and hashes its stored bytes (md5 and
 * sha256 of the object as stored, compressed or not), then compares each with what the header,
 * trailer and sidecar declare. Memory is constant (one record held back to find the trailer);
 * lanes and slices do not matter, as nothing is written.
 */
public final class ControlTotalsPass {

    /** A sidecar larger than this is refused (a control file, not data). */
    static final int MAX_SIDECAR_BYTES = 64 << 10;
    private static final int DEADLINE_EVERY = 1024;

    /** What the pass found: the checks, or that the sidecar is not there yet. */
    public sealed interface Result permits Checked, SidecarMissing {
    }

    public record Checked(Verification verification) implements Result {
    }

    /** The sidecar {@code key} does not exist (yet): nothing was read of the data file. */
    public record SidecarMissing(String key) implements Result {
    }

    private final Feed feed;
    private final ObjectSource source;
    private final ObjectRef ref;
    private final Deadline deadline;

    public ControlTotalsPass(Feed feed, ObjectSource source, ObjectRef ref, Deadline deadline) {
        this.feed = feed;
        this.source = source;
        this.ref = ref;
        this.deadline = deadline;
    }

    /**
     * Runs the pass.
     *
     * @throws FileFormatException  when a control record is missing or unreadable, or a summed value is not a number
     * @throws IllegalStateException when the deadline passes first (the attempt fails and is counted)
     * @throws IOException          when the source fails (transient)
     */
    public Result run() throws IOException {
        ControlTotals spec = feed.totals();
        String name = ref.displayName();
        List<DeclaredTotals> declared = new ArrayList<>();
        if (spec.sidecar() != null) {
            String key = spec.sidecar().keyFor(ref.key());
            String text = readSidecar(key);
            if (text == null) return new SidecarMissing(key);
            String where = ref.bucket() + "/" + key;
            if (spec.sidecar().kind() == ControlTotals.Sidecar.Kind.JSON) {
                declared.add(ControlSources.fromManifest(where, text));
            } else {
                Matcher m = spec.sidecar().pattern().matcher(text);
                if (!m.find()) throw new FileFormatException(where + ": the sidecar does not match its pattern " + spec.sidecar().pattern());
                declared.add(ControlSources.fromMatch("sidecar", where, m, spec.sidecar().fields()));
            }
        }
        Set<String> summed = new LinkedHashSet<>(spec.summedColumns());
        for (DeclaredTotals d : declared) summed.addAll(d.sums().keySet());
        Tally tally = new Tally(name, summed);
        HashingOpener opener = new HashingOpener();
        Long headerRecord = null;
        Long trailerRecord = null;
        try (RecordReader reader = RecordReaders.open(feed.format(), name, opener, ResumePoint.START)) {
            ReadItem item;
            ReadItem held = null;
            long seen = 0;
            while ((item = reader.next()) != null) {
                if (++seen % DEADLINE_EVERY == 0 && deadline.passed()) {
                    throw new IllegalStateException(name + ": the control totals pass did not finish before the deadline ("
                            + seen + " records read); nothing was loaded. Give the function more time, or load the file"
                            + " with `inlet ingest`");
                }
                if (seen == 1 && spec.header() != null) {
                    declared.add(controlRecord("header", spec.header(), item, name));
                    headerRecord = item.position().recordNumber();
                    continue;
                }
                if (spec.trailer() == null) {
                    tally.add(item);
                } else {
                    if (held != null) tally.add(held);
                    held = item;
                }
            }
            if (spec.header() != null && headerRecord == null) {
                throw new FileFormatException(name + ": the file has no records, so no header record");
            }
            if (spec.trailer() != null) {
                if (held == null) throw new FileFormatException(name + ": the file has no data record and no trailer record (an empty or truncated file)");
                declared.add(controlRecord("trailer", spec.trailer(), held, name));
                trailerRecord = held.position().recordNumber();
            }
            opener.drain();
        }
        List<TotalsCheck> checks = new ArrayList<>();
        for (DeclaredTotals d : declared) compare(d, tally, opener, checks);
        return new Checked(new Verification(checks, new ControlRecords(headerRecord, trailerRecord)));
    }

    private static DeclaredTotals controlRecord(String which, ControlTotals.ControlRecord spec, ReadItem item, String name) {
        String text = item instanceof RawRecord r ? r.rawText() : ((MalformedRecord) item).rawText();
        String where = name + ": " + which + " record " + item.position().recordNumber() + " (line " + item.position().lineNumber() + ")";
        Matcher m = spec.pattern().matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new FileFormatException(where + " does not match the " + which + " pattern " + spec.pattern()
                    + ": the " + which + " record is missing (a truncated or foreign file?)");
        }
        return ControlSources.fromMatch(which, where, m, spec.fields());
    }

    private static void compare(DeclaredTotals d, Tally tally, HashingOpener opener, List<TotalsCheck> checks) {
        String at = " (" + d.source() + ")";
        if (d.count() != null) {
            checks.add(new TotalsCheck("count" + at, Long.toString(d.count()), Long.toString(tally.count()),
                    d.count() == tally.count()));
        }
        for (Map.Entry<String, BigDecimal> e : d.sums().entrySet()) {
            BigDecimal actual = tally.sum(e.getKey());
            checks.add(new TotalsCheck("sum(" + e.getKey() + ")" + at, e.getValue().toPlainString(), actual.toPlainString(),
                    e.getValue().compareTo(actual) == 0));
        }
        if (d.md5() != null) checks.add(new TotalsCheck("md5" + at, d.md5(), opener.md5, d.md5().equals(opener.md5)));
        if (d.sha256() != null) checks.add(new TotalsCheck("sha256" + at, d.sha256(), opener.sha256, d.sha256().equals(opener.sha256)));
    }

    /** The sidecar's text, or null when it does not exist (yet). */
    private String readSidecar(String key) throws IOException {
        ObjectRef sidecar = new ObjectRef(ref.bucket(), key, null, null, null);
        byte[] bytes;
        try (InputStream in = source.open(sidecar, 0)) {
            bytes = in.readNBytes(MAX_SIDECAR_BYTES + 1);
        } catch (ObjectGoneException e) {
            return null;
        }
        if (bytes.length > MAX_SIDECAR_BYTES) {
            throw new FileFormatException(ref.bucket() + "/" + key + ": the sidecar is larger than " + MAX_SIDECAR_BYTES
                    + " bytes; a control file holds a few totals");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Opens the object from 0, hashing every byte read (md5 and sha256 of the object as stored). */
    private final class HashingOpener implements StreamOpener {
        private InputStream current;
        private MessageDigest md5Digest;
        private MessageDigest shaDigest;
        String md5;
        String sha256;

        @Override
        public InputStream open(long fromByte) throws IOException {
            if (fromByte != 0) throw new IllegalStateException("the control totals pass reads from the start");
            try {
                md5Digest = MessageDigest.getInstance("MD5");
                shaDigest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            current = new DigestInputStream(new DigestInputStream(source.open(ref, 0), md5Digest), shaDigest);
            return current;
        }

        /** Reads what the reader left unread, so the hashes cover the whole object. */
        void drain() throws IOException {
            if (current == null) return;
            current.transferTo(java.io.OutputStream.nullOutputStream());
            md5 = HexFormat.of().formatHex(md5Digest.digest());
            sha256 = HexFormat.of().formatHex(shaDigest.digest());
        }
    }
}
