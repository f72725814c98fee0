package io.inlet.cli;

/** A failure the CLI reports in one line with a chosen exit code. */
final class CliException extends RuntimeException {

    final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
