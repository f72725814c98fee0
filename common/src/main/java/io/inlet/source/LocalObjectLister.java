package io.inlet.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@link ObjectLister} over a {@link LocalFileSource}'s root: the keys are the paths relative to the
 * root, each with the identity {@link LocalFileSource#refFor} gives it (no version, the SHA-256 of the
 * bytes as its tag), in key order. One directory's entries are in memory at a time, never the whole
 * tree. Inlet's own temporary files ({@code .inlet-*}, a receipt being written) are not listed.
 */
final class LocalObjectLister implements ObjectLister {

    private final LocalFileSource source;
    private final Path root;

    LocalObjectLister(LocalFileSource source, Path root) {
        this.source = source;
        this.root = root;
    }

    @Override
    public void list(String bucket, String prefix, Consumer<ListedObject> each) throws IOException {
        String dir = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        Path start = root.resolve(dir).normalize();
        if (!start.startsWith(root) || !Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) return;
        walk(bucket, prefix, start, each);
    }

    private void walk(String bucket, String prefix, Path directory, Consumer<ListedObject> each) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(directory)) {
            s.filter(p -> !p.getFileName().toString().startsWith(".inlet-")).forEach(entries::add);
        }
        // key order: a directory's keys continue with '/', so it sorts as its name plus '/'
        entries.sort(Comparator.comparing(p -> p.getFileName().toString() + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")));
        for (Path p : entries) {
            String key = root.relativize(p).toString().replace('\\', '/');
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if ((key + "/").startsWith(prefix) || prefix.startsWith(key + "/")) walk(bucket, prefix, p, each);
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && key.startsWith(prefix)) {
                each.accept(listed(bucket, p));
            }
        }
    }

    @Override
    public Optional<ListedObject> stat(String bucket, String key, String version) throws IOException {
        Path p = root.resolve(key).normalize();
        if (version != null || !p.startsWith(root) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        return Optional.of(listed(bucket, p));
    }

    private ListedObject listed(String bucket, Path p) throws IOException {
        return new ListedObject(source.refFor(bucket, p), Files.getLastModifiedTime(p).toInstant());
    }
}
