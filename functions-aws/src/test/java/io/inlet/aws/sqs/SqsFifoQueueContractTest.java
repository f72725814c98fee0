package io.inlet.aws.sqs;

import io.inlet.aws.emulator.SqsEmulator;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A FIFO queue: the stream is the message group, so a stream's order holds. */
class SqsFifoQueueContractTest extends SqsPublisherContract {

    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    @Override
    protected SqsEmulator sqs() {
        return SQS;
    }

    @Override
    protected boolean ordered() {
        return true;
    }
}
