package io.inlet.source;

/**
 * Finds the {@link ObjectSource} that reads an object version recorded in the ledger: a local file,
 * an S3 or GCS object. Operator commands that load a version again (reprocess, resume of a paused
 * feed) take one, so that the core needs no cloud class; the CLI and the functions wire theirs.
 */
@FunctionalInterface
public interface SourceResolver {

    /** The source of {@code ref}; fails with a message naming the object when none can read it. */
    ObjectSource sourceFor(ObjectRef ref);

    /** One source for every object (a function reads only its own bucket's store). */
    static SourceResolver always(ObjectSource source) {
        return ref -> source;
    }
}
