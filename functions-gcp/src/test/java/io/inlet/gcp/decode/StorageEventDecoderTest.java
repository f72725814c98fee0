package io.inlet.gcp.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.ObjectChange;
import java.util.Map;
import io.inlet.source.ObjectSequencer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StorageEventDecoderTest {

    private static CloudEvent event(String type, String subject, String data) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId("ev-1").withType(type)
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/drop"))
                .withSubject(subject);
        if (data != null) b.withData("application/json", data.getBytes(StandardCharsets.UTF_8));
        return b.build();
    }

    private static ObjectNotice notice(ObjectRef ref) {
        return new ObjectNotice(ref, ObjectChange.CREATED, ObjectSequencer.gcsGeneration(ref.version()), null,
                new InboundMessage("ev-1", "gcs", "gs://" + ref.displayName(), Map.of("change", "CREATED")));
    }

    @Test
    void percentEncodedSubjectIsDecodedOnceWhenTheDataHasNoName() {
        Delivery d = StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/a%2Fb%2520c+d.csv",
                "{\"generation\":\"17\",\"size\":5}"));
        assertThat(d).isEqualTo(notice(new ObjectRef("drop", "a/b%20c+d.csv", "17", null, 5L)));
    }

    @Test
    void theDataNameWinsOverAnEncodedSubject() {
        Delivery d = StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/a%2Fb.csv",
                "{\"bucket\":\"drop\",\"name\":\"a/b.csv\",\"generation\":18,\"metageneration\":1,\"size\":\"6\",\"crc32c\":\"AAAAAA==\"}"));
        assertThat(d).isEqualTo(notice(new ObjectRef("drop", "a/b.csv", "18", "AAAAAA==", 6L)));
    }

    @Test
    void generationThatIsNotAnIntegerIsUndecodableNamingTheField() {
        Delivery d = StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/x",
                "{\"name\":\"x\",\"generation\":\"12a\"}"));
        assertThat(d).isInstanceOf(Undecodable.class);
        assertThat(((Undecodable) d).reason()).isEqualTo("storage event ev-1 from //storage.googleapis.com/projects/_/buckets/drop: "
                + "field 'generation' is not a non-negative integer: '12a'");
        assertThat(((Undecodable) d).original().messageId()).isEqualTo("ev-1");
    }

    @Test
    void fractionalOrOversizedSizesAreUndecodable() {
        assertThat(((Undecodable) StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/x",
                "{\"name\":\"x\",\"size\":1.5}"))).reason()).endsWith("field 'size' is not an integer: 1.5");
        assertThat(((Undecodable) StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/x",
                "{\"name\":\"x\",\"size\":\"99999999999999999999\"}"))).reason())
                .endsWith("field 'size' is out of range: '99999999999999999999'");
    }

    @Test
    void badPercentEscapeInTheSubjectIsUndecodable() {
        Delivery d = StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/a%zz", "{}"));
        assertThat(((Undecodable) d).reason()).endsWith("bad percent escape at index 1 in 'a%zz'");
    }

    @Test
    void eventWithoutDataOrOfAnotherTypeIsUndecodable() {
        assertThat(((Undecodable) StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/x", null))).reason())
                .endsWith("storage event ev-1 has no data");
        assertThat(((Undecodable) StorageEventDecoder.decode(event("com.example.other", "objects/x", "{}"))).reason())
                .endsWith("unexpected CloudEvent type 'com.example.other' for a storage trigger");
    }

    @Test
    void deletedAndMetadataEventsKeepTheirChange() {
        assertThat(((ObjectNotice) StorageEventDecoder.decode(event(StorageEventDecoder.DELETED, "objects/x",
                "{\"name\":\"x\",\"generation\":\"3\"}"))).change()).isEqualTo(ObjectChange.REMOVED);
        assertThat(((ObjectNotice) StorageEventDecoder.decode(event(StorageEventDecoder.METADATA_UPDATED, "objects/x",
                "{\"name\":\"x\",\"generation\":\"3\"}"))).change()).isEqualTo(ObjectChange.METADATA_UPDATED);
    }

    @Test
    void aDeletionCarriesItsGenerationAsItsSequencerComparedAsANumber() {
        ObjectNotice deleted = (ObjectNotice) StorageEventDecoder.decode(event(StorageEventDecoder.DELETED, "objects/x",
                "{\"name\":\"x\",\"generation\":\"9\"}"));
        ObjectNotice finalized = (ObjectNotice) StorageEventDecoder.decode(event(StorageEventDecoder.FINALIZED, "objects/x",
                "{\"name\":\"x\",\"generation\":\"10\"}"));
        assertThat(deleted.sequencer()).isEqualTo(ObjectSequencer.gcsGeneration("9"));
        assertThat(deleted.sequencer()).as("9 < 10 as numbers, not as text").isLessThan(finalized.sequencer());
    }
}
