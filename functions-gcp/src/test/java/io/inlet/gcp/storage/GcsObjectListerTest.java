package io.inlet.gcp.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.gcp.decode.ObjectNotice;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.source.ListedObject;
import io.inlet.source.ObjectRef;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcsObjectListerTest {

    /** What the GCS functions decode from a finalize notification whose object resource is {@code json}. */
    private static ObjectRef notified(String bucket, String key, String json) {
        var d = StorageEventDecoder.decode(CloudEventBuilder.v1().withId("ev").withType(StorageEventDecoder.FINALIZED)
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + bucket)).withSubject("objects/" + key)
                .withData("application/json", json.getBytes(StandardCharsets.UTF_8)).build());
        return ((ObjectNotice) d).object();
    }

    @Test
    void aListedObjectHasTheIdentityOfItsNotification() {
        OffsetDateTime t = OffsetDateTime.parse("2026-11-20T06:00:00Z");
        BlobInfo plain = BlobInfo.newBuilder(BlobId.of("drop", "orders/a.csv", 1732000000123456L)).setMd5("rTvQvcqk2b5wK2J5YYajUQ==")
                .setCrc32c("AAAAAA==").setSize(58L).setEtag("CIDA8bqP/okDEAE=").setUpdateTimeOffsetDateTime(t).build();
        assertThat(GcsObjectLister.listed(plain)).isEqualTo(new ListedObject(notified("drop", "orders/a.csv",
                "{\"bucket\":\"drop\",\"name\":\"orders/a.csv\",\"generation\":\"1732000000123456\",\"metageneration\":\"3\","
                        + "\"size\":\"58\",\"md5Hash\":\"rTvQvcqk2b5wK2J5YYajUQ==\",\"crc32c\":\"AAAAAA==\",\"etag\":\"CIDA8bqP/okDEAE=\"}"),
                t.toInstant()));
        // a composite object has no MD5: both sides fall back to crc32c
        BlobInfo composite = BlobInfo.newBuilder(BlobId.of("drop", "orders/c.csv", 7L)).setCrc32c("yZRlqg==").setSize(9L)
                .setUpdateTimeOffsetDateTime(t).build();
        assertThat(GcsObjectLister.listed(composite).ref()).isEqualTo(notified("drop", "orders/c.csv",
                "{\"bucket\":\"drop\",\"name\":\"orders/c.csv\",\"generation\":7,\"size\":9,\"crc32c\":\"yZRlqg==\",\"componentCount\":2}"));
    }

    @Test
    void theListingVisitsEveryObjectUnderThePrefixPageByPageInKeyOrder() throws IOException {
        Storage storage = LocalStorageHelper.getOptions().getService();
        for (String k : List.of("p/e.csv", "p/a.csv", "p/c.csv", "p/b.csv", "p/d.csv", "q/x.csv", "p/")) {
            storage.create(BlobInfo.newBuilder("drop", k).build(), k.endsWith("/") ? new byte[0] : k.getBytes(StandardCharsets.UTF_8));
        }
        List<String> keys = new ArrayList<>();
        new GcsObjectLister(storage, 2).list("drop", "p/", o -> keys.add(o.ref().key()));
        assertThat(keys).containsExactly("p/a.csv", "p/b.csv", "p/c.csv", "p/d.csv", "p/e.csv");
        assertThat(new GcsObjectLister(storage).stat("drop", "p/none.csv", null)).isEmpty();
        assertThat(new GcsObjectLister(storage).stat("drop", "p/a.csv", null)).get()
                .extracting(o -> o.ref().size()).isEqualTo(7L);
    }
}
