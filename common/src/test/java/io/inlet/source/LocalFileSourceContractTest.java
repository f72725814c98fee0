package io.inlet.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalFileSource} under the {@link ObjectSourceContract}. Local files keep no versions: a
 * ref names a path under the root, a read is of the bytes there now, and the bucket is the name
 * files are recorded under, not a place.
 */
class LocalFileSourceContractTest extends ObjectSourceContract {

    @TempDir
    Path root;

    @Override
    protected ObjectSource source() {
        return new LocalFileSource(root);
    }

    @Override
    protected ObjectRef put(String key, byte[] bytes) throws Exception {
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return new LocalFileSource(root).refFor(LocalFileSource.BUCKET, file);
    }

    @Override
    protected void delete(String key) throws Exception {
        Files.delete(root.resolve(key));
    }

    @Override
    protected Versions versions() {
        return Versions.NONE;
    }

    @Override
    protected Optional<String> missingBucket() {
        return Optional.empty();
    }

    @Override
    protected ObjectRef unversioned(String key) {
        return new ObjectRef(LocalFileSource.BUCKET, key, null, null, null);
    }
}
