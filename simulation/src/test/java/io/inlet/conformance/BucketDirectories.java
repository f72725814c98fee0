package io.inlet.conformance;

import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An object store on disk: one directory per bucket, read by the core's own {@link LocalFileSource}. */
final class BucketDirectories implements ObjectSource {

    private final Path root;

    BucketDirectories(Path root) {
        this.root = root;
    }

    void put(String bucket, String key, String content) {
        try {
            Path file = root.resolve(bucket).resolve(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws IOException {
        return new LocalFileSource(root.resolve(ref.bucket())).open(ref, fromByte);
    }
}
