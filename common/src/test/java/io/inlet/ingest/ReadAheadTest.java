package io.inlet.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.parse.FileFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

    static FileBatch batch(long read, FileBatch.End end) {
        FileBatch b = new FileBatch(1);
        b.read = read;
        b.end = end;
        return b;
    }

    static List<Long> drain(ReadAhead r) throws IOException {
        List<Long> reads = new ArrayList<>();
        for (FileBatch b; (b = r.next()) != null; ) reads.add(b.read);
        return reads;
    }

    @Test
    void batchesComeOutInOrderAndStopAfterTheEndOfTheFile() throws IOException {
        AtomicInteger n = new AtomicInteger();
        try (ReadAhead r = new ReadAhead("test", () -> {
            int k = n.incrementAndGet();
            return batch(k, k == 5 ? FileBatch.End.END_OF_FILE : FileBatch.End.FULL);
        })) {
            assertThat(drain(r)).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(r.next()).isNull();
        }
        assertThat(n.get()).isEqualTo(5);
    }

    @Test
    void theReaderStopsAfterABatchThatEndedAtTheDeadline() throws IOException {
        AtomicInteger n = new AtomicInteger();
        try (ReadAhead r = new ReadAhead("test", () -> {
            int k = n.incrementAndGet();
            return batch(k, k == 2 ? FileBatch.End.DEADLINE : FileBatch.End.FULL);
        })) {
            assertThat(drain(r)).containsExactly(1L, 2L);
        }
        assertThat(n.get()).isEqualTo(2);
    }

    @Test
    void aReaderFailureIsRethrownAsItselfAfterTheBatchesBeforeIt() throws IOException {
        AtomicInteger n = new AtomicInteger();
        try (ReadAhead r = new ReadAhead("test", () -> {
            if (n.incrementAndGet() == 3) throw new FileFormatException("orders.csv line 7: unterminated quoted field");
            return batch(n.get(), FileBatch.End.FULL);
        })) {
            assertThat(r.next().read).isEqualTo(1);
            assertThat(r.next().read).isEqualTo(2);
            assertThatThrownBy(r::next).isInstanceOf(FileFormatException.class).hasMessageContaining("line 7");
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void closingStopsAReaderThatIsAheadOfTheCaller() throws Exception {
        AtomicInteger n = new AtomicInteger();
        ReadAhead r = new ReadAhead("test", () -> batch(n.incrementAndGet(), FileBatch.End.FULL));
        assertThat(r.next().read).isEqualTo(1);
        r.close();
        int after = n.get();
        Thread.sleep(300);
        // at most one batch queued and one being assembled beyond the one taken, then nothing more
        assertThat(n.get()).isEqualTo(after).isLessThanOrEqualTo(3);
    }

    @Test
    void closingInterruptsAnAssemblerInTheMiddleOfABatch() throws Exception {
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean sawInterrupt = new java.util.concurrent.atomic.AtomicBoolean();
        ReadAhead r = new ReadAhead("test", () -> {
            reading.countDown();
            while (!Thread.currentThread().isInterrupted()) Thread.onSpinWait(); // a long read of one batch
            sawInterrupt.set(true);
            throw new java.io.InterruptedIOException("read-ahead closed");
        });
        reading.await();
        r.close();
        assertThat(sawInterrupt).as("the assembler saw the interrupt before close returned").isTrue();
    }
}
