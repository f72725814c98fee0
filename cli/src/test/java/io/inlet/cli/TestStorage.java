package io.inlet.cli;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.inlet.gcp.storage.StorageFactory;

/**
 * The Storage the CLI gets in these tests (a ServiceLoader provider on the test classpath only):
 * google-cloud-nio's in-memory GCS, one instance the tests write to and the CLI reads from.
 */
public final class TestStorage implements StorageFactory {

    static final Storage STORAGE = LocalStorageHelper.getOptions().getService();

    @Override
    public Storage create() {
        return STORAGE;
    }
}
