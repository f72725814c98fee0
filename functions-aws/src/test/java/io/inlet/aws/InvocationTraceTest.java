package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.event.TraceContext;
import org.junit.jupiter.api.Test;

class InvocationTraceTest {

    @Test
    void theLambdaXRayHeaderOfADirectInvocationBecomesItsTraceContext() {
        String before = System.getProperty("com.amazonaws.xray.traceHeader");
        try {
            System.setProperty("com.amazonaws.xray.traceHeader",
                    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
            assertThat(java.util.Optional.ofNullable(InvocationContext.open(null, java.time.Duration.ZERO).trace())).get().extracting(TraceContext::traceId)
                    .isEqualTo("5759e988bd862e3fe1be46a994272793");
            System.setProperty("com.amazonaws.xray.traceHeader", "garbage");
            assertThat(java.util.Optional.ofNullable(InvocationContext.open(null, java.time.Duration.ZERO).trace())).isEmpty();
        } finally {
            if (before == null) System.clearProperty("com.amazonaws.xray.traceHeader");
            else System.setProperty("com.amazonaws.xray.traceHeader", before);
        }
    }
}
