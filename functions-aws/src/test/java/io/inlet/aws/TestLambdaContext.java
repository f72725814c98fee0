package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The runtime's {@link Context} as an invocation sees it: a request id and a deadline that counts
 * down in real time (or as a test's clock says).
 */
public final class TestLambdaContext implements Context {

    private final String requestId = UUID.randomUUID().toString();
    private final LongSupplier remainingMillis;

    private TestLambdaContext(LongSupplier remainingMillis) {
        this.remainingMillis = remainingMillis;
    }

    /** A function timeout of {@code timeoutMillis} starting now. */
    public static TestLambdaContext withTimeout(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        return new TestLambdaContext(() -> Math.max(0, deadline - System.currentTimeMillis()));
    }

    /** Remaining time as the supplier says, for tests that walk the clock through a batch. */
    public static TestLambdaContext withRemaining(LongSupplier remainingMillis) {
        return new TestLambdaContext(remainingMillis);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/inlet-test";
    }

    @Override
    public String getLogStreamName() {
        return "2026/01/01/[$LATEST]test";
    }

    @Override
    public String getFunctionName() {
        return "inlet-test";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:eu-west-1:111122223333:function:inlet-test";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.min(Integer.MAX_VALUE, remainingMillis.getAsLong());
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
