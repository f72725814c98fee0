package io.inlet.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.source.ListedObject;
import io.inlet.source.ObjectRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Random bucket listings against random ledger states, compared with a model written the obvious
 * way (one pass over all rows per object, no index). Small alphabets of keys, versions and etags,
 * so that every case — same version other etag, empty etag, several rows of a key — comes up often.
 */
class SweepPropertiesTest {

    private static final int RUNS = 3000;
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    record World(List<ListedObject> listing, List<LedgerEntry> ledger, Sweep.Window window) {
    }

    @Test
    void theReportIsTheModelsForEveryListingAndLedger() {
        for (int seed = 0; seed < RUNS; seed++) {
            World w = world(new Random(seed));
            SweepReport report = Sweep.compare("b", "", w.window(), w.listing(), w.ledger());
            Map<String, Optional<SweepItem>> expected = model(w);
            Map<String, Optional<SweepItem>> actual = new TreeMap<>();
            w.listing().stream().filter(o -> w.window().contains(o.lastModified()))
                    .forEach(o -> actual.put(o.ref().key(), Optional.empty()));
            report.missing().forEach(i -> actual.put(i.object().ref().key(), Optional.of(i)));
            assertThat(actual).as("seed %d: %s", seed, w).isEqualTo(expected);
            assertThat(report.listed()).as("seed %d", seed).isEqualTo(expected.size());
            assertThat(report.accounted()).as("seed %d", seed)
                    .isEqualTo(expected.values().stream().filter(Optional::isEmpty).count());
        }
    }

    @Test
    void recordingTheVersionAsFinishedAccountsForItAndChangesNothingElse() {
        for (int seed = 0; seed < RUNS; seed++) {
            World w = world(new Random(seed));
            SweepReport before = Sweep.compare("b", "", w.window(), w.listing(), w.ledger());
            if (before.clean()) continue;
            SweepItem fixed = before.missing().get(new Random(seed).nextInt(before.missing().size()));
            ObjectRef ref = fixed.object().ref();
            List<LedgerEntry> ledger = new ArrayList<>(w.ledger());
            ledger.add(new LedgerEntry(10_000, ref.key(), ref.version(), ref.etag(), LedgerEntry.State.FINISHED));
            SweepReport after = Sweep.compare("b", "", w.window(), w.listing(), ledger);
            List<SweepItem> rest = new ArrayList<>(before.missing());
            rest.remove(fixed);
            assertThat(after.missing()).as("seed %d", seed).isEqualTo(rest);
            assertThat(after.accounted()).isEqualTo(before.accounted() + 1);
        }
    }

    @Test
    void anObjectOutsideTheWindowIsNeitherListedNorMissing() {
        for (int seed = 0; seed < RUNS; seed++) {
            World w = world(new Random(seed));
            SweepReport report = Sweep.compare("b", "", w.window(), w.listing(), w.ledger());
            assertThat(report.missing()).allMatch(i -> w.window().contains(i.object().lastModified()));
            assertThat(report.missing()).isSortedAccordingTo(Comparator.comparing(i -> i.object().ref().key()));
        }
    }

    /** The finding each in-window object should get, by the definitions in {@link Finding}, row by row. */
    private static Map<String, Optional<SweepItem>> model(World w) {
        Map<String, Optional<SweepItem>> out = new TreeMap<>();
        for (ListedObject o : w.listing()) {
            if (!w.window().contains(o.lastModified())) continue;
            ObjectRef ref = o.ref();
            String version = ref.version() == null ? "" : ref.version();
            String etag = ref.etag() == null ? "" : ref.etag();
            List<LedgerEntry> ofKey = w.ledger().stream().filter(e -> e.key().equals(ref.key())).toList();
            List<LedgerEntry> thisVersion = ofKey.stream()
                    .filter(e -> e.version().equals(version) && (e.etag().equals(etag) || e.etag().isEmpty())).toList();
            List<LedgerEntry> others = ofKey.stream().filter(e -> !thisVersion.contains(e)).toList();
            SweepItem item;
            if (thisVersion.stream().anyMatch(e -> e.state() == LedgerEntry.State.FINISHED)) {
                item = null;
            } else if (thisVersion.stream().anyMatch(e -> e.state() == LedgerEntry.State.UNFINISHED)) {
                item = new SweepItem(Finding.NOT_FINISHED, o, maxId(thisVersion, LedgerEntry.State.UNFINISHED));
            } else if (others.stream().anyMatch(e -> e.state() == LedgerEntry.State.FINISHED)) {
                item = new SweepItem(Finding.OVERWRITTEN, o, maxId(others, LedgerEntry.State.FINISHED));
            } else {
                item = new SweepItem(Finding.NEVER_SEEN, o, null);
            }
            out.put(ref.key(), Optional.ofNullable(item));
        }
        return out;
    }

    private static long maxId(List<LedgerEntry> rows, LedgerEntry.State state) {
        return rows.stream().filter(e -> e.state() == state).mapToLong(LedgerEntry::fileId).max().orElseThrow();
    }

    private static World world(Random r) {
        int keys = 1 + r.nextInt(12);
        boolean versioned = r.nextBoolean();
        List<ListedObject> listing = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            if (r.nextInt(4) == 0) continue; // a key only the ledger knows (deleted since)
            String key = "k" + k;
            names.add(key);
            listing.add(new ListedObject(new ObjectRef("b", key, versioned ? "v" + r.nextInt(3) : null,
                    r.nextInt(6) == 0 ? null : "e" + r.nextInt(3), 10L), T0.plusSeconds(r.nextInt(100))));
        }
        List<LedgerEntry> ledger = new ArrayList<>();
        int rows = r.nextInt(3 * keys + 1);
        LedgerEntry.State[] states = LedgerEntry.State.values();
        for (int i = 0; i < rows; i++) {
            String key = "k" + r.nextInt(keys + 2);
            ledger.add(new LedgerEntry(i + 1, key, versioned || r.nextInt(8) == 0 ? "v" + r.nextInt(3) : "",
                    r.nextInt(5) == 0 ? "" : "e" + r.nextInt(3), states[r.nextInt(states.length)]));
        }
        Instant since = r.nextBoolean() ? null : T0.plusSeconds(r.nextInt(60));
        Instant until = r.nextBoolean() ? null : T0.plusSeconds(61 + r.nextInt(60));
        return new World(listing, ledger, new Sweep.Window(since, until));
    }

    @Test
    void reportCountsEveryFindingEvenWhenNone() {
        SweepReport empty = Sweep.compare("b", "p/", Sweep.Window.ALL, List.of(), List.of());
        assertThat(empty.counts()).containsOnlyKeys(Finding.values()).allSatisfy((f, n) -> assertThat(n).isZero());
        assertThat(empty.clean()).isTrue();
        assertThat(List.of(Finding.values()).stream().map(Enum::name).collect(Collectors.joining(",")))
                .isEqualTo("NEVER_SEEN,NOT_FINISHED,OVERWRITTEN");
    }
}
