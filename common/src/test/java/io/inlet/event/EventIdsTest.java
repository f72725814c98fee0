package io.inlet.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.source.ObjectRef;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    private static final UUID DNS_NAMESPACE = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    @Test
    void matchesTheRfcVersion5ExampleForWwwExampleCom() {
        UUID id = EventIds.nameBased(DNS_NAMESPACE, "www.example.com");

        assertThat(id).isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
        assertThat(id.version()).isEqualTo(5);
        assertThat(id.variant()).isEqualTo(2);
    }

    // Expected values computed independently with Python's uuid.uuid5 over the Inlet namespace.
    @Test
    void columnStrategyNamesTheFeedAndTheValue() {
        assertThat(EventIds.columnName("acme-orders", "A-1")).isEqualTo("feed:acme-orders:id:A-1");
        assertThat(EventIds.of(EventIds.columnName("acme-orders", "A-1")))
                .isEqualTo(UUID.fromString("3eae9803-52bf-5d65-b50b-22d7a4195337"));
    }

    @Test
    void hashStrategyJoinsValuesWithTheUnitSeparator() {
        assertThat(EventIds.hashName("acme-orders", List.of("C-9", "2024-03-01")))
                .isEqualTo("feed:acme-orders:hash:C-9\u001f2024-03-01");
        assertThat(EventIds.of(EventIds.hashName("acme-orders", List.of("C-9", "2024-03-01"))))
                .isEqualTo(UUID.fromString("99526a5c-8ea6-5648-a7b4-427f9c7b9e19"));
    }

    @Test
    void positionStrategyUsesTheVersionElseTheEtag() {
        ObjectRef versioned = new ObjectRef("vendor-drop", "acme/orders/2024-03-01.csv", "v1", "\"etag9\"", 10L);
        ObjectRef unversioned = new ObjectRef("vendor-drop", "acme/orders/2024-03-01.csv", null, "\"etag9\"", 10L);
        ObjectRef bare = new ObjectRef("vendor-drop", "acme/orders/2024-03-01.csv", null, null, null);

        assertThat(EventIds.objectPositionName(versioned, 3)).isEqualTo("object:vendor-drop/acme/orders/2024-03-01.csv#v1:3");
        assertThat(EventIds.of(EventIds.objectPositionName(versioned, 3)))
                .isEqualTo(UUID.fromString("2725b8cf-f646-54b6-a074-2462097538e7"));
        assertThat(EventIds.of(EventIds.objectPositionName(unversioned, 3)))
                .isEqualTo(UUID.fromString("f1ae7157-d51f-5515-8d99-dc0d70266aa2"));
        assertThat(EventIds.objectPositionName(bare, 3)).isEqualTo("object:vendor-drop/acme/orders/2024-03-01.csv#:3");
    }

    @Test
    void cloudEventAndMessageNames() {
        assertThat(EventIds.of(EventIds.cloudEventName("urn:billing", "evt-1")))
                .isEqualTo(UUID.fromString("545b2123-d451-5c3a-a5b3-0a1a3f54f131"));
        assertThat(EventIds.messagePositionName("billing", "m-1", 2)).isEqualTo("msg:billing:m-1:2");
        assertThat(EventIds.of(EventIds.messagePositionName("billing", "m-1", 1)))
                .isEqualTo(UUID.fromString("b63b19e3-c975-5b5c-a720-8142f7e4926c"));
    }
}
