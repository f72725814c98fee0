package io.inlet.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;

/**
 * The embedded PostgreSQL of the benchmarks, started with {@code pg_stat_statements} preloaded
 * (planning time tracked too), for profiling a benchmark's database side: run this, then the
 * benchmark with {@code INLET_DATABASE_URL} set to the URL it prints and {@code -Dbench.statements=true}.
 * Same settings as the tests' server otherwise ({@code fsync=off}). Runs until killed.
 */
public final class ProfiledServer {

    private ProfiledServer() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("fsync", "off").setServerConfig("max_connections", "200")
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track_planning", "on")
                .setServerConfig("pg_stat_statements.max", "1000")
                .start();
        System.out.println("INLET_DATABASE_URL=" + pg.getJdbcUrl("postgres", "postgres"));
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        Thread.sleep(Long.MAX_VALUE);
    }
}
