package io.inlet.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.inlet.aws.decode.DecodedPayload;
import io.inlet.aws.decode.DecodedPayload.ObjectNotices;
import io.inlet.aws.decode.DecodedPayload.Undecodable;
import io.inlet.aws.decode.ObjectNotice;
import io.inlet.aws.decode.S3EventDecoder;
import io.inlet.failure.PermanentException;
import io.inlet.failure.RetryableException;
import io.inlet.ingest.FileReport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 event notifications invoking Lambda directly (asynchronous invocation).
 *
 * <p>Returns one line per notice ({@code OUTCOME bucket/key#version}). A permanent failure (no feed
 * for the key, unreadable file) is logged and reported as {@code FAILED ...: reason}: retrying it
 * cannot help. Work left undone (deadline reached, another worker holds the file) or a retryable
 * failure throws, so Lambda's asynchronous retries bring the notification back and the ingestion
 * resumes from its checkpoint.
 */
public final class S3ObjectHandler implements RequestHandler<S3Event, List<String>> {

    private static final Logger log = LoggerFactory.getLogger(S3ObjectHandler.class);

    private final Supplier<FunctionEnvironment> environment;

    /** Used by the Lambda runtime: the shared environment, built on first invocation or at checkpoint. */
    public S3ObjectHandler() {
        SnapStartPriming.register();
        this.environment = FunctionEnvironment::shared;
    }

    public S3ObjectHandler(FunctionEnvironment environment) {
        this.environment = () -> environment;
    }

    @Override
    public List<String> handleRequest(S3Event event, Context context) {
        FunctionEnvironment env = environment.get();
        try (InvocationContext invocation = InvocationContext.open(context, env.settings().safetyMargin())) {
            DecodedPayload decoded = S3EventDecoder.decode(event);
            if (decoded instanceof Undecodable u) {
                log.atError().addKeyValue("reason", u.reason()).log("S3 event not understood; nothing ingested");
                return List.of("UNDECODABLE " + u.reason());
            }
            ObjectNoticeIngestion ingestion = new ObjectNoticeIngestion(env.inlet(), env.objectSource());
            List<String> results = new ArrayList<>();
            List<String> unfinished = new ArrayList<>();
            for (ObjectNotice notice : ((ObjectNotices) decoded).notices()) {
                try {
                    FileReport report = ingestion.apply(notice, invocation.deadline());
                    results.add(ObjectNoticeIngestion.describe(report, notice));
                    if (ObjectNoticeIngestion.needsAnotherAttempt(report.outcome())) {
                        unfinished.add(ObjectNoticeIngestion.describe(report, notice));
                    }
                } catch (PermanentException e) {
                    log.atError().addKeyValue("bucket", notice.ref().bucket()).addKeyValue("key", notice.ref().key())
                            .setCause(e).log("object failed permanently: {}", e.getMessage());
                    results.add("FAILED " + notice.ref().displayName() + ": " + e.getMessage());
                }
            }
            if (!unfinished.isEmpty()) {
                throw new RetryableException("unfinished, invocation to be retried: " + String.join("; ", unfinished));
            }
            return results;
        }
    }
}
