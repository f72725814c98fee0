package io.inlet.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void parsesAVersion00TraceparentIntoItsThreeFields() {
        assertThat(TraceContext.parse(VALID)).contains(
                new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"));
        assertThat(TraceContext.parse(VALID).orElseThrow().toTraceparent()).isEqualTo(VALID);
    }

    @Test
    void readsTheFirstFourFieldsOfALaterVersionFollowedByMore() {
        assertThat(TraceContext.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds"))
                .map(TraceContext::toTraceparent).contains(VALID);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is invalid
            "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version not hex
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has exactly four fields
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", // a later version: a fifth field needs '-'
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // trace id 31 digits
            "00-4bf92f3577b34da6a3ce929d0e0e47361-00f067aa0ba902b7-01", // trace id 33 digits
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", // parent id 15 digits
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // flags 1 digit
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case is not allowed
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902g7-01", // not hex
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", // wrong separators
    })
    void rejectsAnythingElseWithoutThrowing(String value) {
        assertThat(TraceContext.parse(value)).isEmpty();
    }

    @Test
    void convertsTheAwsTraceHeaderRootIntoA32DigitTraceId() {
        assertThat(TraceContext.fromXRay("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"))
                .contains(new TraceContext("5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", "01"));
        assertThat(TraceContext.fromXRay("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"))
                .map(TraceContext::flags).contains("00");
    }

    @Test
    void anAwsTraceHeaderWithoutParentGetsAFreshParentId() {
        TraceContext t = TraceContext.fromXRay("Root=1-5759e988-bd862e3fe1be46a994272793").orElseThrow();
        assertThat(t.traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
        assertThat(t.parentId()).matches("[0-9a-f]{16}").isNotEqualTo("0000000000000000");
        assertThat(t.flags()).isEqualTo("00");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", // unknown root version
            "Root=1-5759e988bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", // no dash after the time
            "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8", // all zero
            "Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8", // root too short
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8a", // parent too short
            "Parent=53995c3f42cd8ad8;Sampled=1", // no root
    })
    void rejectsAMalformedAwsTraceHeader(String value) {
        assertThat(TraceContext.fromXRay(value)).isEmpty();
    }

    @Test
    void findsTheTraceparentUnderAnyOfItsAttributeNamesPreferringOurOwn() {
        String other = "00-11111111111111111111111111111111-2222222222222222-01";
        assertThat(TraceContext.fromAttributes(Map.of("googclient_traceparent", VALID)))
                .map(TraceContext::traceId).contains("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceContext.fromAttributes(Map.of("ce-traceparent", VALID)))
                .map(TraceContext::traceId).contains("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceContext.fromAttributes(Map.of("traceparent", VALID, "googclient_traceparent", other)))
                .map(TraceContext::traceId).contains("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceContext.fromAttributes(Map.of("traceparent", "garbage", "googclient_traceparent", other)))
                .map(TraceContext::traceId).contains("11111111111111111111111111111111");
        assertThat(TraceContext.fromAttributes(Map.of("eventType", "x"))).isEmpty();
    }

    @Test
    void aChildContinuesATraceIdCorrelationWithAFreshSampledSpan() {
        TraceContext a = TraceContext.childOf("4bf92f3577b34da6a3ce929d0e0e4736").orElseThrow();
        TraceContext b = TraceContext.childOf("4bf92f3577b34da6a3ce929d0e0e4736").orElseThrow();
        assertThat(a.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(a.flags()).isEqualTo("01");
        assertThat(a.parentId()).matches("[0-9a-f]{16}").isNotEqualTo(b.parentId());
        assertThat(TraceContext.parse(a.toTraceparent())).contains(a);
    }

    @Test
    void aCorrelationIdThatIsNoTraceIdHasNoChild() {
        assertThat(TraceContext.childOf(null)).isEmpty();
        assertThat(TraceContext.childOf("m-1")).isEqualTo(Optional.empty());
        assertThat(TraceContext.childOf("6f1c2a4e-9b7d-4c3a-8e2f-1a2b3c4d5e6f")).isEmpty();
        assertThat(TraceContext.childOf("00000000000000000000000000000000")).isEmpty();
    }
}
