package io.inlet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code inlet} command. */
@Command(name = "inlet", mixinStandardHelpOptions = true, versionProvider = InletCli.Version.class,
        description = "Ingest vendor files and events into idempotent PostgreSQL event tables, and relay derived events.",
        subcommands = {MigrateCommand.class, IngestCommand.class, SweepCommand.class, IngestMessageCommand.class, ValidateCommand.class, FeedsCommand.class,
                RelayCommand.class, OutboxCommand.class, StatusCommand.class, RejectsCommand.class, VerifyCommand.class,
                ReprocessCommand.class, UnlockCommand.class, FeedCommand.class, PurgeCommand.class, SchemasCommand.class, ProjectionCommand.class,
                ReadCommand.class, SubscriptionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 findings (rejected file, broken invariant), 2 usage, 3 configuration, 4 runtime failure."})
public final class InletCli {

    /** The global options given before the subcommand; a subcommand's own take precedence ({@link GlobalOptions#orElse}). */
    @CommandLine.Mixin
    GlobalOptions global;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The operations commands; the demo module adds {@code demo} to the same command line (InletDemo). */
    static CommandLine commandLine() {
        return new CommandLine(new InletCli());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = InletCli.class.getPackage().getImplementationVersion();
            return new String[] {"inlet " + (v == null ? "dev" : v)};
        }
    }
}
