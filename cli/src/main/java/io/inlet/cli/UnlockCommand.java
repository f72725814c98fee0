package io.inlet.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.ledger.Leases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Release the claim (lease) on a file whose holder is dead, so the next run resumes at once from its checkpoint.",
                "Dead: the lease expired, or its holder is an `inlet` process of this host that no longer runs.",
                "A live lease is refused (exit 1) unless --force: for an operator who knows the holder is gone. Audited (lease_releases)."})
final class UnlockCommand extends CliCommand {

    @Mixin
    LedgerFileOptions file = new LedgerFileOptions();

    @Option(names = "--force", description = "Release a live lease too (its holder can then commit nothing more).")
    boolean force;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the audit).")
    String reason;

    @Option(names = "--operator", paramLabel = "NAME", description = "Who (default: the OS user).")
    String operator;

    @Option(names = "--json", description = "One JSON document instead of text.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        AutoMigrate.ifEmbedded(ctx);
        LedgerTargets.Target t = file.resolve(ctx, null);
        String who = Operator.name(operator);
        Leases.Unlock result = new Leases(new io.inlet.store.Transactions(ctx.dataSource()))
                .unlock(new Leases.UnlockRequest(t.entry().fileId(), who, reason, force, Leases.Kind.UNLOCK), Operator::knownDead);
        ObjectNode doc = OutboxCommand.jsonObject();
        doc.put("file_id", t.entry().fileId());
        doc.put("object", t.entry().ref().displayName());
        String text;
        int code;
        if (result instanceof Leases.Unlock.Released r) {
            doc.put("result", "released").put("holder", r.holder()).put("lease_expires_at", String.valueOf(r.expiresAt()))
                    .put("was_live", r.wasLive()).put("resumes_at_record", r.nextRecord());
            text = "released the lease of " + TerminalText.escape(r.holder()) + " on file #" + r.fileId()
                    + (r.wasLive() ? " (live until " + r.expiresAt() + "; forced)" : "")
                    + "; the next run resumes at record " + r.nextRecord();
            code = ExitCodes.OK;
        } else if (result instanceof Leases.Unlock.RefusedLive r) {
            doc.put("result", "refused").put("holder", r.holder()).put("lease_expires_at", String.valueOf(r.expiresAt()));
            text = "refused: file #" + r.fileId() + " is held by " + TerminalText.escape(r.holder()) + " with a live lease until "
                    + r.expiresAt() + "; wait for it, or give --force if you know the holder is gone";
            code = ExitCodes.FINDINGS;
        } else if (result instanceof Leases.Unlock.NotLeased n) {
            doc.put("result", "not_leased").put("status", n.status());
            text = "file #" + n.fileId() + " is " + n.status() + ": there is no lease to release";
            code = ExitCodes.OK;
        } else {
            throw new CliException(ExitCodes.USAGE, "no ledger file with id " + t.entry().fileId());
        }
        if (json) OutboxCommand.printJson(ctx, doc);
        else (code == ExitCodes.OK ? ctx.out : ctx.err).println(text);
        return code;
    }
}
