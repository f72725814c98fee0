package io.inlet.cli;

import picocli.CommandLine;

/**
 * {@code java -jar demo/target/inlet-demo.jar}: the whole {@code inlet} command plus {@code demo},
 * {@code demo aws} and {@code demo gcp}. The operations CLI ({@code cli/target/inlet.jar}) carries
 * neither the demo nor its emulators; this jar adds both on top of it.
 */
public final class InletDemo {

    private InletDemo() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return InletCli.commandLine().addSubcommand(DemoCommand.class);
    }
}
