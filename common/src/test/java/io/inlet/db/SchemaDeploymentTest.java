package io.inlet.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.testing.PasswordCheckingDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The deployment's database step against an embedded PostgreSQL that checks passwords: schema,
 * event tables and the login users of the three roles, idempotently, with hostile names and passwords.
 */
class SchemaDeploymentTest {

    private static final List<String> TABLES = List.of("order_events");

    private static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<LoginUser> users(String suffix, String password) {
        return List.of(new LoginUser("ingest_" + suffix, InletRole.INGEST, password + "-i"),
                new LoginUser("relay_" + suffix, InletRole.RELAY, password + "-r"),
                new LoginUser("reader_" + suffix, InletRole.READER, password + "-d"));
    }

    @Test
    void aSecondRunChangesNothingButSettingTheSamePasswords() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        DataSource admin = Database.dataSource(db);
        String suffix = unique("twice");
        List<LoginUser> users = users(suffix, "pw");

        DeploymentReport first = SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, users));
        String historyAfterFirst = query(admin, "SELECT string_agg(version || ':' || checksum, ',' ORDER BY installed_rank) FROM inlet.flyway_schema_history");
        String membershipsAfterFirst = memberships(admin, suffix);
        DeploymentReport second = SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, users));

        assertThat(first.migrationsApplied()).isPositive();
        assertThat(first.eventTablesCreated()).containsExactly("order_events");
        assertThat(first.loginUsers()).allMatch(DeploymentReport.LoginOutcome::created);
        assertThat(second.schemaUnchanged()).isTrue();
        assertThat(second.loginUsers()).noneMatch(DeploymentReport.LoginOutcome::created)
                .allMatch(u -> u.revokedRoles().isEmpty());
        assertThat(query(admin, "SELECT string_agg(version || ':' || checksum, ',' ORDER BY installed_rank) FROM inlet.flyway_schema_history"))
                .isEqualTo(historyAfterFirst);
        assertThat(memberships(admin, suffix)).isEqualTo(membershipsAfterFirst)
                .isEqualTo("ingest_" + suffix + ">inlet_ingest,reader_" + suffix + ">inlet_reader,relay_" + suffix + ">inlet_relay");
        for (LoginUser user : users) assertCanLogIn(db, user.name(), user.password());
    }

    @Test
    void eachUserLogsInAndHasExactlyItsRolesRights() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        DataSource admin = Database.dataSource(db);
        String suffix = unique("rights");
        List<LoginUser> users = users(suffix, "pw");
        SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, users));

        // every privilege on every table and sequence of the schema: the user's equals its group's
        for (LoginUser user : users) {
            assertThat(query(admin, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " CROSS JOIN unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p"
                    + " WHERE n.nspname = 'inlet' AND c.relkind IN ('r', 'v', 'p')"
                    + " AND has_table_privilege('" + user.name() + "', c.oid, p)"
                    + " <> has_table_privilege('" + user.role().groupName() + "', c.oid, p)"))
                    .as("privileges of %s that differ from %s", user.name(), user.role().groupName()).isEqualTo("0");
        }
        DataSource ingest = PasswordCheckingDatabase.login(db, users.get(0).name(), users.get(0).password());
        DataSource relay = PasswordCheckingDatabase.login(db, users.get(1).name(), users.get(1).password());
        DataSource reader = PasswordCheckingDatabase.login(db, users.get(2).name(), users.get(2).password());
        String insert = "INSERT INTO order_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload)"
                + " VALUES (gen_random_uuid(), 's', %d, 't', now(), 'test', '{}')";
        execute(ingest, insert.formatted(1));
        assertThatThrownBy(() -> execute(ingest, "UPDATE order_events SET event_type = 'x'")).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> execute(ingest, "DELETE FROM order_events")).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> execute(ingest, "CREATE TABLE inlet.sneaky (x int)")).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> execute(relay, insert.formatted(2))).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> execute(reader, insert.formatted(3))).hasMessageContaining("permission denied");
        assertThat(query(reader, "SELECT count(*) FROM order_events")).isEqualTo("1");
        assertThat(query(relay, "SELECT count(*) FROM order_events")).isEqualTo("1");
        assertThat(query(admin, "SELECT bool_or(rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls) FROM pg_roles"
                + " WHERE rolname LIKE '%" + suffix + "'")).isEqualTo("f");
    }

    @Test
    void aRotatedPasswordIsAppliedAndTheOldOneNoLongerWorks() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        DataSource admin = Database.dataSource(db);
        String name = unique("rotate");
        SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, List.of(new LoginUser(name, InletRole.INGEST, "old-password"))));
        assertCanLogIn(db, name, "old-password");

        DeploymentReport rotated = SchemaDeployment.run(admin,
                DeploymentRequest.of(TABLES, List.of(new LoginUser(name, InletRole.INGEST, "new-password"))));

        assertThat(rotated.loginUsers()).singleElement().extracting(DeploymentReport.LoginOutcome::created).isEqualTo(false);
        assertCanLogIn(db, name, "new-password");
        assertThatThrownBy(() -> query(PasswordCheckingDatabase.login(db, name, "old-password"), "SELECT 1"))
                .hasMessageContaining("password authentication failed");
    }

    /** Names and passwords full of quotes, backslashes, dollar quotes and SQL: stored verbatim, nothing else runs. */
    @Test
    void hostileNamesAndPasswordsAreTakenAsDataNotSql() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        DataSource admin = Database.dataSource(db);
        String marker = unique("h");
        List<String> fixed = List.of("x\"; CREATE ROLE pwned_" + marker + " SUPERUSER; --",
                "o'brien'); DROP SCHEMA inlet CASCADE; --" + marker,
                "$$ ; $x$ \\' \\\\ " + marker,
                "Ünïcødé ✓ " + marker,
                " leading and trailing space " + marker + " ");
        Random random = new Random(14);
        String alphabet = "'\"\\$;-%_ \t\nab€✓()*/";
        List<String> names = new ArrayList<>(fixed);
        for (int i = 0; i < 10; i++) {
            StringBuilder s = new StringBuilder(marker);
            for (int j = 0; j < 20; j++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            names.add(s.toString());
        }
        List<LoginUser> users = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String password = new StringBuilder(names.get(i)).reverse() + "'; ALTER ROLE postgres PASSWORD 'x"; // also hostile
            users.add(new LoginUser(names.get(i), InletRole.values()[i % 3], password));
        }

        SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, users));
        SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, users));

        for (LoginUser user : users) assertCanLogIn(db, user.name(), user.password());
        assertThat(query(admin, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'pwned%'")).isEqualTo("0");
        assertThat(query(admin, "SELECT count(*) FROM pg_roles WHERE strpos(rolname, '" + marker + "') > 0"))
                .isEqualTo(Integer.toString(users.size()));
        assertThat(query(admin, "SELECT count(*) FROM inlet.event_tables")).isNotEqualTo("0");
    }

    @Test
    void aFeedsChangeAddingATableIsCreatedByTheNextRun() throws Exception {
        DataSource admin = Database.dataSource(PasswordCheckingDatabase.freshDatabase());
        SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, List.of()));

        DeploymentReport next = SchemaDeployment.run(admin, DeploymentRequest.of(List.of("order_events", "invoice_events"), List.of()));

        assertThat(next.migrationsApplied()).isZero();
        assertThat(next.eventTablesCreated()).containsExactly("invoice_events");
        assertThat(query(admin, "SELECT has_table_privilege('inlet_ingest', 'inlet.invoice_events', 'INSERT')"
                + " AND NOT has_table_privilege('inlet_ingest', 'inlet.invoice_events', 'UPDATE')")).isEqualTo("t");
    }

    @Test
    void aUserMovedToAnotherRoleLeavesTheOldOne() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        DataSource admin = Database.dataSource(db);
        String name = unique("moved");
        SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, List.of(new LoginUser(name, InletRole.INGEST, "pw"))));

        DeploymentReport moved = SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, List.of(new LoginUser(name, InletRole.READER, "pw"))));

        assertThat(moved.loginUsers()).singleElement().extracting(DeploymentReport.LoginOutcome::revokedRoles)
                .isEqualTo(List.of(InletRole.INGEST));
        assertThat(memberships(admin, name)).isEqualTo(name + ">inlet_reader");
    }

    @Test
    void aUserWithRightsBeyondItsRoleIsRefusedNamingThem() throws Exception {
        DataSource admin = Database.dataSource(PasswordCheckingDatabase.freshDatabase());
        String name = unique("broad");
        execute(admin, "CREATE ROLE " + name + " LOGIN CREATEDB BYPASSRLS IN ROLE pg_read_all_data");

        assertThatThrownBy(() -> SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, List.of(new LoginUser(name, InletRole.INGEST, "pw")))))
                .hasMessageContaining("'" + name + "'").hasMessageContaining("CREATEDB, BYPASSRLS").hasMessageContaining("member of pg_read_all_data");
        assertThat(memberships(admin, name)).isEqualTo(name + ">pg_read_all_data"); // rolled back: not half-granted
    }

    /** As on RDS and Cloud SQL: the deploying user is not a superuser, only CREATEROLE and the database's owner. */
    @Test
    void aCreateRoleMasterUserThatIsNoSuperuserCanDeploy() throws Exception {
        DatabaseSettings server = PasswordCheckingDatabase.freshDatabase();
        String master = unique("master");
        String database = unique("owned");
        execute(Database.dataSource(server), "CREATE ROLE " + master + " LOGIN CREATEROLE PASSWORD 'master-pw'");
        execute(Database.dataSource(server), "CREATE DATABASE " + database + " OWNER " + master);
        // the group roles are cluster-wide and this test server's were made by its superuser; on RDS the
        // master user's own first migration creates them, which gives it the ADMIN option that this grants
        execute(Database.dataSource(server), "SELECT 1; DO $$ BEGIN CREATE ROLE inlet_ingest NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
                + " DO $$ BEGIN CREATE ROLE inlet_relay NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
                + " DO $$ BEGIN CREATE ROLE inlet_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
                + " GRANT inlet_ingest, inlet_relay, inlet_reader TO " + master + " WITH ADMIN OPTION");
        DatabaseSettings owned = new DatabaseSettings(server.url().replaceFirst("/inlet_pw_[0-9_]+", "/" + database), null, null);
        DataSource admin = PasswordCheckingDatabase.login(owned, master, "master-pw");
        String suffix = unique("rds");

        SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, users(suffix, "pw")));
        DeploymentReport again = SchemaDeployment.run(admin, DeploymentRequest.of(TABLES, users(suffix, "pw2")));

        assertThat(again.schemaUnchanged()).isTrue();
        assertCanLogIn(owned, "relay_" + suffix, "pw2-r");
    }

    @Test
    void loginUsersRefuseWhatPostgresqlCannotHold() {
        assertThatThrownBy(() -> new LoginUser("a\0b", InletRole.INGEST, "pw")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> new LoginUser("ok", InletRole.INGEST, "p\0w")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> new LoginUser("é".repeat(32), InletRole.INGEST, "pw")).hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> new LoginUser("pg_monitor", InletRole.INGEST, "pw")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> new LoginUser("inlet_relay", InletRole.INGEST, "pw")).hasMessageContaining("group role");
        assertThatThrownBy(() -> new LoginUser("ok", InletRole.INGEST, "")).hasMessageContaining("empty");
        assertThat(new LoginUser("ok", InletRole.INGEST, "secret").toString()).doesNotContain("secret");
        assertThatThrownBy(() -> DeploymentRequest.of(TABLES, List.of(new LoginUser("a", InletRole.INGEST, "x"),
                new LoginUser("a", InletRole.RELAY, "y")))).hasMessageContaining("given twice");
    }

    private static void assertCanLogIn(DatabaseSettings db, String user, String password) throws SQLException {
        assertThat(query(PasswordCheckingDatabase.login(db, user, password), "SELECT current_user")).isEqualTo(user);
    }

    private static String memberships(DataSource ds, String like) throws SQLException {
        return query(ds, "SELECT string_agg(u.rolname || '>' || g.rolname, ',' ORDER BY u.rolname, g.rolname)"
                + " FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
                + " WHERE strpos(u.rolname, '" + like + "') > 0");
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
