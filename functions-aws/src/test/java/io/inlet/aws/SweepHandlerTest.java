package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.s3.S3ObjectLister;
import io.inlet.failure.Deadline;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/** The scheduled sweep on S3Proxy: it finds the object no notification brought and says so in its metric. */
class SweepHandlerTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @Test
    void theScheduledSweepCountsTheObjectNoNotificationBroughtInItsMetric() throws Exception {
        DataSource db = TestDatabase.fresh("order_events", "downstream_events");
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new io.inlet.aws.s3.S3BucketReader(S3.client()))).workerId("sweep").build();
        var target = io.inlet.sweep.SweepTargets.of(inlet.feeds()).get(0);
        S3.createBucket(target.bucket());
        String loadedKey = target.prefix() + "loaded.csv";
        String lostKey = target.prefix() + "lost.csv";
        S3.client().putObject(b -> b.bucket(target.bucket()).key(loadedKey), RequestBody.fromString("order_id,amount\n1,2\n"));
        S3.client().putObject(b -> b.bucket(target.bucket()).key(lostKey), RequestBody.fromString("order_id,amount\n3,4\n"));
        // the loaded one went through the functions' path, with the identity its notification has
        var loaded = new S3ObjectLister(S3.client()).stat(target.bucket(), loadedKey, null).orElseThrow();
        inlet.ingestFile(loaded.ref(), new io.inlet.aws.s3.S3ObjectSource(S3.client()), Deadline.none());

        FunctionEnvironment env = new FunctionEnvironment(settings, S3.client(), null, db, inlet);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Map<String, Object> result = new SweepHandler(env, Map.of()).sweep(Instant.now().plus(Duration.ofHours(1)),
                new PrintStream(stdout, true, StandardCharsets.UTF_8));

        assertThat(result).containsEntry("missing", 1L).containsEntry("listed", 2L);
        var emf = io.inlet.aws.metrics.EmfLines.of(stdout.toString(StandardCharsets.UTF_8));
        assertThat(emf.withMetric("SweepMissingObjects").orElseThrow().get("SweepMissingObjects").asLong()).isEqualTo(1);
        assertThat(emf.allWithMetric("SweepFindings")).extracting(d -> d.get("Finding").asText() + "=" + d.get("SweepFindings").asLong())
                .contains("never_seen=1");
        assertThat(emf.withMetric("SweepMissingObjects").orElseThrow().get("_aws").get("CloudWatchMetrics").get(0).get("Namespace")
                .asText()).isEqualTo("Inlet");
    }
}
