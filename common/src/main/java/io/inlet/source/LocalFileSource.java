package io.inlet.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads objects from a local directory: the CLI's source. A key is a path relative to the root
 * (the vendor's folder layout, as it would be in a bucket); keys escaping the root are refused.
 */
public final class LocalFileSource implements ObjectSource {

    /** The bucket name local files are ingested under when no bucket is given. */
    public static final String BUCKET = "file";

    private final Path root;

    public LocalFileSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The object identity of a file under the root; size and modification time stand in for an ETag.
     *
     * @throws OutsideRootException when the path, or what its symbolic links resolve to, is outside the root
     */
    public ObjectRef refFor(String bucket, Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (!abs.startsWith(root)) throw new OutsideRootException(file + " is not under " + root);
        String linked = escapingLink(abs);
        if (linked != null) {
            throw new OutsideRootException(root.relativize(abs) + ": symbolic link resolves outside the root " + root + " (to "
                    + linked + "); refused");
        }
        BasicFileAttributes attrs = Files.readAttributes(abs, BasicFileAttributes.class);
        String key = root.relativize(abs).toString().replace('\\', '/');
        return new ObjectRef(bucket, key, null, attrs.size() + "-" + attrs.lastModifiedTime().toMillis(), attrs.size());
    }

    /** Where the path really leads when a symbolic link on the way takes it out of the root; null when it stays inside. */
    private String escapingLink(Path abs) throws IOException {
        Path real = abs.toRealPath();
        return real.startsWith(root.toRealPath()) ? null : real.toString();
    }

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws IOException {
        // refused before the channel is open: positioning it at -1 would throw and leave it open
        if (fromByte < 0) throw new IllegalArgumentException("fromByte " + fromByte + " < 0 for " + ref.displayName());
        Path path = root.resolve(ref.key()).normalize();
        if (!path.startsWith(root)) throw new ObjectGoneException("key escapes the source root: " + ref.key());
        try {
            // checked again here, not only in refFor: a link may have been swapped since
            if (escapingLink(path) != null) throw new ObjectGoneException("symbolic link resolves outside the source root: " + ref.key());
            SeekableByteChannel channel = Files.newByteChannel(path, StandardOpenOption.READ);
            channel.position(fromByte);
            return Channels.newInputStream(channel);
        } catch (NoSuchFileException e) {
            throw new ObjectGoneException("file not found: " + path, e);
        }
    }
}
