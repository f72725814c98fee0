package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inlet.aws.decode.EventBridgeDecoder;
import io.inlet.aws.decode.S3EventDecoder;
import io.inlet.aws.s3.S3ObjectSource;
import io.inlet.event.EventMapper;
import io.inlet.event.RecordContext;
import io.inlet.event.RecordRejectedException;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.ledger.LeaseOwners;
import io.inlet.parse.FileFormatException;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RecordPosition;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import io.inlet.source.ObjectRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SnapStart (CRaC) hooks. Before the snapshot: build the shared {@link FunctionEnvironment} (SDK
 * clients, feeds, core), {@link #prime} it and close its kept database connection ({@link #checkpoint}),
 * so the snapshot holds loaded, initialised classes but no open socket. After restore: the lease owners
 * draw their random part anew, any connection from before the snapshot is closed, and the kept
 * connection is opened anew to make sure the database is reachable from the restored environment
 * ({@link #restored}).
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
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        checkpoint(FunctionEnvironment.shared());
        log.atInfo().addKeyValue("primeMillis", (System.nanoTime() - started) / 1_000_000).log("primed for SnapStart checkpoint");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        restored(FunctionEnvironment.shared());
    }

    /** What {@code beforeCheckpoint} runs: {@link #prime}, then the kept connection is closed: no socket goes into the snapshot. */
    public static void checkpoint(FunctionEnvironment env) {
        try {
            prime(env);
        } finally {
            env.discardConnection();
            env.tracing().closeSocket();
        }
    }

    /**
     * What {@code afterRestore} runs in each environment resumed from the snapshot: first makes the
     * lease owners draw their random part again (the snapshot's is shared by every environment
     * resumed from it, and an environment takes over leases carrying its own part at once), closes
     * whatever connection the environment might still hold from before the snapshot, then opens the
     * environment's kept connection to see that the database is reachable.
     */
    public static void restored(FunctionEnvironment env) {
        LeaseOwners.afterRestore();
        env.discardConnection();
        env.tracing().closeSocket();
        try (Connection c = env.dataSource().getConnection()) {
            c.isValid(2);
            log.info("restored from SnapStart; database reachable");
        } catch (Exception e) {
            // not fatal here: the first invocation retries the connection and fails clearly if it must
            log.atWarn().setCause(e).log("restored from SnapStart; database not reachable yet: {}", e.getMessage());
        }
    }

    /**
     * Runs, once and without side effects, the code the first invocation would otherwise load and
     * initialise: the runtime's event deserialisation and our decoders (S3, SQS, EventBridge); per file
     * feed, an S3 {@code GetObject} through {@link S3ObjectSource} answered in memory (a throw-away
     * client on a canned HTTP response: no request leaves the process, no permission is needed) read
     * with the feed's format, and the feed's mapping of what it yields and of an empty synthetic record
     * (rejected, as they must be); and one {@code SELECT 1} on a connection that is closed again.
     * Nothing is written anywhere. The feed part is best effort (whatever a synthetic record makes a
     * feed's code throw is ignored: it must not block a deployment); a database that does not answer
     * fails: a snapshot of an environment that cannot reach its database is not worth taking.
     */
    public static void prime(FunctionEnvironment env) {
        S3EventDecoder.decode(env.lambdaJson().s3Event(PRIMING_S3_EVENT), null);
        EventBridgeDecoder.decode(env.lambdaJson().scheduledEvent(PRIMING_EVENTBRIDGE_EVENT), null);
        env.lambdaJson().sqsEvent("{\"Records\":[]}");
        env.bodyDecoder().decode(primingMessage(), "priming");
        primeFeeds(env.inlet().feeds());
        env.tracing().prime();
        try (Connection c = env.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException("priming: the database did not answer SELECT 1: " + e.getMessage(), e);
        }
    }

    /** Each file feed reads the canned object with its own format and maps what it yields, plus an empty record. */
    private static void primeFeeds(FeedRegistry feeds) {
        ObjectRef ref = new ObjectRef("priming", "priming/object.csv", "v1", null, (long) CannedObject.BODY.length);
        RecordContext context = new RecordContext("priming", ref, "s3://priming/priming/object.csv#v1", "priming", null,
                Instant.EPOCH);
        try (S3Client s3 = S3Client.builder().httpClient(new CannedObject())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .build()) {
            S3ObjectSource source = new S3ObjectSource(s3);
            for (Feed feed : feeds.feeds()) {
                EventMapper mapper = feeds.mapper(feed.name());
                List<RawRecord> records = new ArrayList<>();
                records.add(new RawRecord(new RecordPosition(1, 2, 0, 0), JsonNodeFactory.instance.objectNode(), ""));
                try (RecordReader reader = RecordReaders.open(feed.format(), ref.key(), from -> source.open(ref, from),
                        ResumePoint.START)) {
                    for (ReadItem item; (item = reader.next()) != null; ) {
                        if (item instanceof RawRecord r) records.add(r);
                    }
                } catch (FileFormatException | IOException e) {
                    // the canned bytes need not suit the feed's format (compressed, JSON): the code ran all the same
                } catch (RuntimeException e) {
                    log.atDebug().setCause(e).log("priming: feed {} could not read the canned object", feed.name());
                }
                for (RawRecord r : records) {
                    try {
                        mapper.map(r, context);
                    } catch (RecordRejectedException expected) {
                        // a synthetic record lacks the mapped fields: rejected after the mapper's code ran
                    } catch (RuntimeException e) {
                        log.atDebug().setCause(e).log("priming: feed {} could not map a synthetic record", feed.name());
                    }
                }
            }
        }
    }

    /** The HTTP client of the priming S3 client: every request gets a 200 with a one-line body. */
    private static final class CannedObject implements SdkHttpClient {
        private static final byte[] BODY = "priming\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("Content-Length", Integer.toString(BODY.length))
                                    .putHeader("Content-Type", "text/plain")
                                    .putHeader("ETag", "\"priming\"").build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(BODY)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    private static SQSEvent.SQSMessage primingMessage() {
        var m = new SQSEvent.SQSMessage();
        m.setMessageId("priming");
        m.setBody(PRIMING_S3_EVENT);
        return m;
    }

    private static final String PRIMING_S3_EVENT = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
            + "\"awsRegion\":\"us-east-1\",\"eventTime\":\"1970-01-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\","
            + "\"userIdentity\":{\"principalId\":\"p\"},\"requestParameters\":{\"sourceIPAddress\":\"127.0.0.1\"},"
            + "\"responseElements\":{\"x-amz-request-id\":\"r\",\"x-amz-id-2\":\"i\"},\"s3\":{\"s3SchemaVersion\":\"1.0\","
            + "\"configurationId\":\"c\",\"bucket\":{\"name\":\"b\",\"ownerIdentity\":{\"principalId\":\"p\"},"
            + "\"arn\":\"arn:aws:s3:::b\"},\"object\":{\"key\":\"k\",\"size\":1,\"eTag\":\"e\",\"sequencer\":\"00\"}}}]}";

    private static final String PRIMING_EVENTBRIDGE_EVENT = "{\"version\":\"0\",\"id\":\"priming\","
            + "\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"account\":\"000000000000\","
            + "\"time\":\"1970-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[\"arn:aws:s3:::b\"],"
            + "\"detail\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"size\":1}}}";
}
