package io.inlet.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads objects from the local filesystem: the CLI's source. The bucket names a root directory
 * ({@link #BUCKET} means the key is a path as given).
 */
public final class LocalFileSource implements ObjectSource {

    /** The bucket name local files are ingested under. */
    public static final String BUCKET = "file";

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws IOException {
        Path path = Path.of(ref.key());
        try {
            SeekableByteChannel channel = Files.newByteChannel(path, StandardOpenOption.READ);
            channel.position(fromByte);
            return Channels.newInputStream(channel);
        } catch (NoSuchFileException e) {
            throw new ObjectGoneException("file not found: " + path, e);
        }
    }
}
