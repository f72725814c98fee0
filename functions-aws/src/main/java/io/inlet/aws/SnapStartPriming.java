package io.inlet.aws;

import java.sql.Connection;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart (CRaC) hooks. Before the snapshot: build the shared {@link FunctionEnvironment} (SDK
 * clients, feeds, core), warm the decoders, and open then close one database connection, so the
 * driver, TLS and Jackson classes are loaded in the snapshot but no socket is. After restore: open
 * and close one connection to make sure the database is reachable from the restored environment
 * (nothing is pooled, so nothing stale needs closing).
 *
 * <p>Without SnapStart, {@code org.crac} finds no CRaC implementation and the registration does
 * nothing.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger log = LoggerFactory.getLogger(SnapStartPriming.class);
    // CRaC keeps resources weakly: this strong reference keeps the hook alive
    private static SnapStartPriming registered;

    static synchronized void register() {
        if (registered == null) {
            registered = new SnapStartPriming();
            Core.getGlobalContext().register(registered);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
        FunctionEnvironment env = FunctionEnvironment.shared();
        env.bodyDecoder().decode(primingRecord(), "priming");
        try (Connection c = env.dataSource().getConnection()) {
            c.isValid(2);
        }
        log.info("primed for SnapStart checkpoint");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        try (Connection c = FunctionEnvironment.shared().dataSource().getConnection()) {
            c.isValid(2);
            log.info("restored from SnapStart; database reachable");
        } catch (Exception e) {
            // not fatal here: the first invocation retries the connection and fails clearly if it must
            log.atWarn().setCause(e).log("restored from SnapStart; database not reachable yet: {}", e.getMessage());
        }
    }

    private static com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage primingRecord() {
        var m = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        m.setMessageId("priming");
        m.setBody("{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"1970-01-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"userIdentity\":"
                + "{\"principalId\":\"p\"},\"requestParameters\":{\"sourceIPAddress\":\"127.0.0.1\"},\"responseElements\":"
                + "{\"x-amz-request-id\":\"r\",\"x-amz-id-2\":\"i\"},\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":"
                + "\"c\",\"bucket\":{\"name\":\"b\",\"ownerIdentity\":{\"principalId\":\"p\"},\"arn\":\"arn:aws:s3:::b\"},"
                + "\"object\":{\"key\":\"k\",\"size\":1,\"eTag\":\"e\",\"sequencer\":\"00\"}}}]}");
        return m;
    }
}
