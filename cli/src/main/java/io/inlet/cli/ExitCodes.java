package io.inlet.cli;

/** Exit codes a script can rely on. */
final class ExitCodes {
    /** Everything worked; every invariant held. */
    static final int OK = 0;
    /** The command ran, and found what it reports as a failure: a rejected file, a broken invariant. */
    static final int FINDINGS = 1;
    /** Wrong usage: unknown option, missing argument. */
    static final int USAGE = 2;
    /** A wrong feeds file or configuration. */
    static final int CONFIG = 3;
    /** A runtime failure: database unreachable, I/O error. Retrying may help. */
    static final int FAILURE = 4;

    private ExitCodes() {
    }
}
