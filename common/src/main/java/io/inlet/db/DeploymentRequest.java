package io.inlet.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a deployment asks of the database: the event tables the feeds name, and the login users of
 * Inlet's roles with their current passwords (none, for {@code inlet migrate} without {@code --login}).
 */
public record DeploymentRequest(List<String> eventTables, List<LoginUser> loginUsers) {

    public DeploymentRequest {
        eventTables = List.copyOf(new ArrayList<>(eventTables == null ? List.of() : eventTables));
        loginUsers = List.copyOf(loginUsers == null ? List.of() : loginUsers);
        Set<String> names = new HashSet<>();
        for (LoginUser user : loginUsers) {
            if (!names.add(user.name())) {
                throw new IllegalArgumentException("login user '" + user.name() + "' is given twice");
            }
        }
    }

    public static DeploymentRequest of(Collection<String> eventTables, List<LoginUser> loginUsers) {
        return new DeploymentRequest(List.copyOf(eventTables), loginUsers);
    }
}
