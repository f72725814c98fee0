package io.inlet.aws.trace;

import io.opentelemetry.sdk.trace.IdGenerator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Trace ids X-Ray accepts in every mode: the first 8 hex digits the epoch second the trace started (X-Ray
 * refuses trace ids older than 30 days or from the future), the other 24 random. Span ids random. Only
 * traces that start here use it: a delivery's or the invocation's trace keeps the id it came with.
 */
final class XRayIdGenerator implements IdGenerator {

    private final LongSupplier epochSeconds;

    XRayIdGenerator(LongSupplier epochSeconds) {
        this.epochSeconds = epochSeconds;
    }

    XRayIdGenerator() {
        this(() -> System.currentTimeMillis() / 1000);
    }

    @Override
    public String generateSpanId() {
        return IdGenerator.random().generateSpanId();
    }

    @Override
    public String generateTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long low;
        do {
            low = random.nextLong();
        } while (low == 0);
        return String.format("%08x%08x%016x", epochSeconds.getAsLong() & 0xffffffffL, random.nextInt(), low);
    }
}
