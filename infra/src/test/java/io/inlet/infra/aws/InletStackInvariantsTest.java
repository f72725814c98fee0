package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every variant of the stack keeps every invariant, checked over all resources of its template. */
class InletStackInvariantsTest {

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("S3 -> SQS, existing database", Synth.settings().build()),
                Arguments.of("S3 -> Lambda direct", Synth.settings().objectDelivery(ObjectDelivery.LAMBDA).build()),
                Arguments.of("S3 -> EventBridge -> Lambda", Synth.settings().objectDelivery(ObjectDelivery.EVENTBRIDGE).build()),
                Arguments.of("inbound standard and FIFO queues", Synth.settings()
                        .inboundQueue(QueueSpec.standard("orders")).inboundQueue(QueueSpec.fifo("stock")).build()),
                Arguments.of("new RDS PostgreSQL behind RDS Proxy in a VPC", Synth.settings()
                        .database(new DatabaseSpec.Created("t4g.medium", 50, true)).build()),
                Arguments.of("existing database inside an existing VPC", Synth.settings()
                        .database(new DatabaseSpec.Existing("jdbc:postgresql://db.internal:5432/inlet?sslmode=verify-full", "inlet", Synth.EXISTING_SECRET_ARN,
                                new DatabaseSpec.ExistingNetwork("vpc-0abc", List.of("eu-west-1a", "eu-west-1b"),
                                        List.of("subnet-0a", "subnet-0b"), "sg-0func"))).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyResourceKeepsTheInvariants(String variant, InletSettings settings) {
        Map<String, Object> template = Synth.json(settings);

        assertThat(TemplateInvariants.check(template)).as(variant).isEmpty();
    }
}
