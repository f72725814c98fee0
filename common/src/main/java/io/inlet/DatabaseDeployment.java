package io.inlet;

import io.inlet.db.DeploymentReport;
import io.inlet.db.DeploymentRequest;
import io.inlet.db.LoginUser;
import io.inlet.db.SchemaDeployment;
import io.inlet.feed.FeedRegistry;
import io.inlet.projection.ProjectionRebuild;
import java.util.List;
import javax.sql.DataSource;

/**
 * The deployment's database step for a feeds file, the one piece of code behind {@code inlet migrate},
 * the AWS migration function and the GCP migration job: {@link SchemaDeployment} (the Flyway schema,
 * the feeds' event tables, the role login users), then every projection the feeds file declares that
 * is not built yet, built from history ({@link ProjectionRebuild#ensure}), so that a function whose
 * feeds declare an inline projection starts after the deployment (it refuses to start without it).
 * Idempotent as both steps are. Lives here, above {@code projection} and {@code db}, because it joins them.
 */
public final class DatabaseDeployment {

    private DatabaseDeployment() {
    }

    /** Runs both steps as {@code admin} (owns the schema, has CREATEROLE); throws on any failure. */
    public static DeploymentReport run(DataSource admin, FeedRegistry feeds, List<LoginUser> loginUsers) {
        DeploymentReport schema = SchemaDeployment.run(admin, DeploymentRequest.of(feeds.eventTables(), loginUsers));
        List<String> projections = new ProjectionRebuild(admin, Inlet.projectionReader(admin)).ensure(feeds.projections());
        return schema.withProjections(projections);
    }
}
