package io.inlet.cli;

import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who runs this CLI, and how its leases are named: {@code cli@HOST:PID}. A lease whose holder is a
 * CLI process of this host that no longer runs is known dead, whatever its expiry says (the process
 * table is the proof); any other holder is live until its lease expires.
 */
final class Operator {

    private static final Pattern CLI_OWNER = Pattern.compile("^(?:released:)?cli@(.+):(\\d+)~");

    private Operator() {
    }

    /** The operator recorded in audits: {@code --operator}, else the OS user. */
    static String name(String option) {
        if (option != null && !option.isBlank()) return option;
        return System.getProperty("user.name", "unknown");
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }

    /** The worker id of this CLI process in leases. */
    static String workerId() {
        return "cli@" + host() + ":" + ProcessHandle.current().pid();
    }

    /** Whether {@code leaseOwner} is a CLI process of this host that has ended. */
    static boolean knownDead(String leaseOwner) {
        Matcher m = CLI_OWNER.matcher(leaseOwner);
        if (!m.find() || !m.group(1).equals(host())) return false;
        long pid = Long.parseLong(m.group(2));
        return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
}
