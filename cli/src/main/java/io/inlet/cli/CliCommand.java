package io.inlet.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.inlet.db.NotAnEventTableException;
import io.inlet.db.SchemaMissingException;
import io.inlet.failure.PermanentException;
import io.inlet.failure.RetryableException;
import io.inlet.feed.FeedConfigException;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs a command with its context and turns failures into one-line messages and exit codes. */
abstract class CliCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    abstract int run(CliContext ctx) throws Exception;

    /** A failure whose cause is a relation or schema that does not exist: configuration, not a runtime failure. */
    static boolean missingRelation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && SchemaMissingException.isMissingRelation(s.getSQLState())) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    @Override
    public Integer call() {
        Object root = spec.root().userObject();
        GlobalOptions global = this.global.orElse(root instanceof InletCli cli ? cli.global : null);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(global.verbose ? Level.INFO : Level.WARN);
        var out = new java.io.PrintStream(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
        try (CliContext ctx = new CliContext(global, out, System.err)) {
            return run(ctx);
        } catch (CliException e) {
            System.err.println("inlet " + spec.name() + ": " + TerminalText.escape(e.getMessage()));
            return e.exitCode;
        } catch (FeedConfigException e) {
            System.err.println("inlet " + spec.name() + ": invalid feeds file: " + TerminalText.escape(e.getMessage()));
            return ExitCodes.CONFIG;
        } catch (NotAnEventTableException e) {
            System.err.println("inlet " + spec.name() + ": " + TerminalText.escape(e.getMessage()));
            return ExitCodes.CONFIG;
        } catch (SchemaMissingException e) {
            System.err.println("inlet " + spec.name() + ": " + TerminalText.escape(e.getMessage()));
            return ExitCodes.CONFIG;
        } catch (PermanentException e) {
            System.err.println("inlet " + spec.name() + ": " + TerminalText.escape(e.getMessage()));
            return ExitCodes.FINDINGS;
        } catch (RetryableException e) {
            System.err.println("inlet " + spec.name() + ": " + TerminalText.escape(e.getMessage()) + " (retrying may help)");
            return ExitCodes.FAILURE;
        } catch (Exception e) {
            if (missingRelation(e)) {
                System.err.println("inlet " + spec.name() + ": the Inlet schema or an event table is missing (run `inlet migrate`): "
                        + TerminalText.escape(e.getMessage()));
                return ExitCodes.CONFIG;
            }
            System.err.println("inlet " + spec.name() + ": " + TerminalText.escape(e.getMessage()));
            return ExitCodes.FAILURE;
        }
    }
}
