package io.inlet.gcp;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.inlet.gcp.storage.StorageFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The Storage the functions get in tests (a ServiceLoader provider on the test classpath only):
 * google-cloud-nio's in-memory Storage, filled at start from {@code INLET_TEST_GCS_SEED}, a folder
 * laid out as {@code <bucket>/<key>}. No GCS server can run here; this is Google's own fake.
 */
public final class SeededLocalStorage implements StorageFactory {

    @Override
    public Storage create() {
        Storage storage = LocalStorageHelper.getOptions().getService();
        String seed = System.getenv("INLET_TEST_GCS_SEED");
        if (seed == null) return storage;
        Path root = Path.of(seed);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = root.relativize(f);
                String bucket = rel.getName(0).toString();
                String key = rel.subpath(1, rel.getNameCount()).toString().replace('\\', '/');
                storage.create(BlobInfo.newBuilder(BlobId.of(bucket, key)).build(), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seed the in-memory Storage from " + root, e);
        }
        return storage;
    }
}
