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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
     * The object identity of a file under the root: the key is the path relative to the root, and the
     * SHA-256 of the bytes stands in for an ETag ({@code sha256:<hex>}). Content, not size and mtime:
     * a {@code touch}, or a {@code cp} of the same bytes over the file, leaves it the same object
     * version, so re-running a backfill appends nothing; changed bytes are a new version.
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
        return new ObjectRef(bucket, key, null, contentTag(abs), attrs.size());
    }

    /** {@code sha256:} and the lower-case hex SHA-256 of the file's bytes, read as a stream. */
    static String contentTag(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    /** Where the path really leads when a symbolic link on the way takes it out of the root; null when it stays inside. */
    private String escapingLink(Path abs) throws IOException {
        Path real = abs.toRealPath();
        return real.startsWith(root.toRealPath()) ? null : real.toString();
    }

    /** Lists the files under the root, keyed as {@link #refFor} keys them. */
    @Override
    public java.util.Optional<ObjectLister> lister() {
        return java.util.Optional.of(new LocalObjectLister(this, root));
    }

    /** Writes under the root (the bucket is the root), atomically: a reader never sees half a file. */
    @Override
    public java.util.Optional<ObjectWriter> writer() {
        return java.util.Optional.of((bucket, key, contentType, content) -> {
            Path target = root.resolve(key).normalize();
            if (!target.startsWith(root) || target.equals(root)) throw new OutsideRootException(key + " is not under " + root);
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".inlet-", ".tmp");
            try {
                Files.copy(content, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        });
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
