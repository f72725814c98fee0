package io.inlet.db;

import java.util.List;

/**
 * What a deployment changed: schema migrations applied, event tables created, and for each login
 * user whether it was created or already existed (its password is set either way: that is how a
 * rotated password reaches the database), and any other Inlet role it was taken out of; then one line
 * per declared projection saying whether it was built or found built ({@code io.inlet.DatabaseDeployment}).
 */
public record DeploymentReport(int migrationsApplied, List<String> eventTablesCreated, List<LoginOutcome> loginUsers,
                               List<String> projections) {

    public DeploymentReport {
        eventTablesCreated = List.copyOf(eventTablesCreated);
        loginUsers = List.copyOf(loginUsers);
        projections = List.copyOf(projections);
    }

    /** The schema step's report, before any projection was looked at. */
    public DeploymentReport(int migrationsApplied, List<String> eventTablesCreated, List<LoginOutcome> loginUsers) {
        this(migrationsApplied, eventTablesCreated, loginUsers, List.of());
    }

    /** This report with the projection step's lines. */
    public DeploymentReport withProjections(List<String> lines) {
        return new DeploymentReport(migrationsApplied, eventTablesCreated, loginUsers, lines);
    }

    /** Whether the schema and tables were already as asked (the users' passwords are set regardless). */
    public boolean schemaUnchanged() {
        return migrationsApplied == 0 && eventTablesCreated.isEmpty();
    }

    /** One login user after the deployment. */
    public record LoginOutcome(String name, InletRole role, boolean created, List<InletRole> revokedRoles) {
        public LoginOutcome {
            revokedRoles = List.copyOf(revokedRoles);
        }
    }
}
