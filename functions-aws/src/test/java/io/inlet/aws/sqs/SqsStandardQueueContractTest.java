package io.inlet.aws.sqs;

import io.inlet.aws.emulator.SqsEmulator;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A standard queue: no order, no message group. */
class SqsStandardQueueContractTest extends SqsPublisherContract {

    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    @Override
    protected SqsEmulator sqs() {
        return SQS;
    }

    @Override
    protected boolean ordered() {
        return false;
    }
}
