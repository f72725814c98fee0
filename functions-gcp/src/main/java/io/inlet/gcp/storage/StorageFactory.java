package io.inlet.gcp.storage;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.util.ServiceLoader;

/**
 * Makes the {@link Storage} client. In Cloud Functions: the default client (application default
 * credentials of the function's service account). A {@code java.util.ServiceLoader} provider of this
 * interface replaces it: how the invoker tests, which cannot reach GCS, hand in google-cloud-nio's
 * in-memory Storage; the deployed jar has no provider.
 */
public interface StorageFactory {

    Storage create();

    static Storage createDefault() {
        return ServiceLoader.load(StorageFactory.class, StorageFactory.class.getClassLoader()).findFirst()
                .map(StorageFactory::create)
                .orElseGet(() -> StorageOptions.getDefaultInstance().getService());
    }
}
