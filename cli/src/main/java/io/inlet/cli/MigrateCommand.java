package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.db.DeploymentReport;
import io.inlet.db.DeploymentRequest;
import io.inlet.db.InletRole;
import io.inlet.db.LoginUser;
import io.inlet.DatabaseDeployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Apply the schema migrations, create the event tables the feeds name and build the projections they declare (from history); with --login, the roles' login users too.",
                "Idempotent; the same step the AWS migration function and the GCP migration job run (docs/deploy.md)."})
final class MigrateCommand extends CliCommand {

    /** The environment variable holding the password of the {@code --login} user of a role. */
    static String passwordVariable(InletRole role) {
        return "INLET_LOGIN_PASSWORD_" + role.name();
    }

    @Option(names = "--login", paramLabel = "ROLE=USER",
            description = {"Create or update USER as a login in ROLE (ingest, relay, reader), with the password in the",
                    "environment variable INLET_LOGIN_PASSWORD_<ROLE> (e.g. INLET_LOGIN_PASSWORD_INGEST). Repeatable."})
    List<String> logins = new ArrayList<>();

    @Option(names = "--json", description = "One JSON document instead of the line.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        List<LoginUser> users = loginUsers(logins, System.getenv());
        var tables = ctx.feeds().eventTables();
        DeploymentReport report = DatabaseDeployment.run(ctx.dataSource(), ctx.feeds(), users);
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode doc = mapper.createObjectNode();
            doc.put("migrationsApplied", report.migrationsApplied());
            doc.set("eventTables", mapper.valueToTree(tables));
            doc.set("eventTablesCreated", mapper.valueToTree(report.eventTablesCreated()));
            doc.set("projections", mapper.valueToTree(report.projections()));
            var array = doc.putArray("loginUsers");
            for (DeploymentReport.LoginOutcome u : report.loginUsers()) {
                array.addObject().put("name", u.name()).put("role", u.role().groupName()).put("created", u.created())
                        .set("revokedRoles", mapper.valueToTree(u.revokedRoles().stream().map(InletRole::groupName).toList()));
            }
            ctx.out.println(mapper.writeValueAsString(doc));
        } else {
            ctx.out.println("migrated: " + report.migrationsApplied() + " migration(s) applied; event tables " + tables
                    + (report.eventTablesCreated().isEmpty() ? "" : " (created " + report.eventTablesCreated() + ")")
                    + (report.loginUsers().isEmpty() ? "" : "; login users " + report.loginUsers().stream()
                    .map(u -> TerminalText.escape(u.name()) + " in " + u.role().groupName() + (u.created() ? " (created)" : " (password set)"))
                    .toList()));
        }
        // projections declared and not yet built were built from history (a rebuild into a new table)
        if (!json) report.projections().forEach(ctx.out::println);
        return ExitCodes.OK;
    }

    /** {@code ROLE=USER} options and their passwords from the environment; a bad option exits 2 (usage). */
    static List<LoginUser> loginUsers(List<String> options, Map<String, String> env) {
        List<LoginUser> users = new ArrayList<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq <= 0 || eq == option.length() - 1) {
                throw new CliException(ExitCodes.USAGE, "--login '" + option + "' must be ROLE=USER, e.g. ingest=inlet_ingest_fn");
            }
            InletRole role;
            try {
                role = InletRole.fromKey(option.substring(0, eq).toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--login '" + option + "': " + e.getMessage());
            }
            String password = env.get(passwordVariable(role));
            if (password == null || password.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "--login " + option.substring(0, eq) + "=...: set the password in "
                        + passwordVariable(role));
            }
            try {
                users.add(new LoginUser(option.substring(eq + 1), role, password));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--login: " + e.getMessage());
            }
        }
        try {
            DeploymentRequest.of(List.of(), users);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--login: " + e.getMessage());
        }
        return users;
    }
}
