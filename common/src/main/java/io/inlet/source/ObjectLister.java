package io.inlet.source;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Lists a bucket: the port the operator's verbs (ingest from a bucket, the missed-notification
 * sweep) read a bucket through.
 *
 * <p>Contract:
 * <ul>
 *   <li>Each {@link ListedObject#ref()} is the identity the trigger decoder would build from a
 *       creation notification of that object (bucket, decoded key, version id or generation when the
 *       bucket keeps versions, the store's content tag as the notification spells it, size).</li>
 *   <li>{@link #list} visits the current (newest, not deleted) version of every object whose key
 *       starts with {@code prefix}, in the store's order (key order on S3 and GCS), fetching page after
 *       page: never the whole listing in memory.</li>
 *   <li>{@link #stat} is the one object, of exactly that version when one is given; empty when it
 *       does not exist.</li>
 *   <li>Failures are {@link IOException}s naming the bucket and prefix or key.</li>
 * </ul>
 */
public interface ObjectLister {

    void list(String bucket, String prefix, Consumer<ListedObject> each) throws IOException;

    Optional<ListedObject> stat(String bucket, String key, String version) throws IOException;
}
