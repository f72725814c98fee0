package io.inlet.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deterministic simulation (docs/simulation.md): {@code sim.seeds} seeds from {@code sim.firstSeed}
 * (CI: 200 from 1), or the one seed {@code sim.seed}. Each failing seed prints itself and the
 * command that replays it.
 */
class SimulationTest {

    @Test
    void everySeedKeepsThePromise() {
        String one = System.getProperty("sim.seed", "");
        long first = one.isBlank() ? Long.getLong("sim.firstSeed", 1) : Long.parseLong(one.trim());
        long count = one.isBlank() ? Long.getLong("sim.seeds", 200) : 1;
        int maxFailures = Integer.getInteger("sim.maxFailures", 5);
        // a fresh database every so many seeds: the invariant checks read whole tables, so a database
        // holding ten thousand seeds would make each seed's checks slower than the seed itself
        long seedsPerDatabase = Long.getLong("sim.seedsPerDatabase", 250);
        Simulation simulation = null;
        PooledDataSource pool = null;
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        long ran = 0;
        for (long seed = first; seed < first + count && failures.size() < maxFailures; seed++) {
            if (ran++ % seedsPerDatabase == 0) {
                if (pool != null) pool.closeIdle();
                pool = new PooledDataSource(TestDatabase.fresh("sim_events"));
                simulation = new Simulation(pool);
            }
            if (ran % 20 == 0) simulation.analyze();
            List<String> problems;
            try {
                problems = simulation.run(seed);
            } catch (RuntimeException e) {
                problems = List.of("the run threw: " + e);
            }
            if (!problems.isEmpty()) {
                String report = "seed " + seed + " (after " + ran + " seeds; " + Scenario.draw(seed).settings() + "):\n    "
                        + String.join("\n    ", problems)
                        + "\n  replay: ./mvnw -B -pl simulation -am verify -Dtest=SimulationTest -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=" + seed;
                System.out.println("SIMULATION FAILURE " + report);
                failures.add(report);
            }
        }
        if (pool != null) pool.closeIdle();
        System.out.printf("simulation: %d seeds from %d in %.1f s, %d failing%n", ran, first,
                (System.nanoTime() - started) / 1e9, failures.size());
        System.out.printf("phases: notices %.1f s, messages %.1f s, relays %.1f s, checks %.1f s%n", Simulation.TIMES[0] / 1e9,
                Simulation.TIMES[1] / 1e9, Simulation.TIMES[2] / 1e9, Simulation.TIMES[3] / 1e9);
        assertThat(failures).as("failing seeds").isEmpty();
    }
}
