package io.inlet.db;

import java.util.List;

/**
 * What a deployment changed: schema migrations applied, event tables created, and for each login
 * user whether it was created or already existed (its password is set either way: that is how a
 * rotated password reaches the database), and any other Inlet role it was taken out of.
 */
public record DeploymentReport(int migrationsApplied, List<String> eventTablesCreated, List<LoginOutcome> loginUsers) {

    public DeploymentReport {
        eventTablesCreated = List.copyOf(eventTablesCreated);
        loginUsers = List.copyOf(loginUsers);
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
