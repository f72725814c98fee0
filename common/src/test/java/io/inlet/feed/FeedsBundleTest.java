package io.inlet.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.trigger.FeedsLocation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaging step behind {@code -Dinlet.feeds=...}: a valid feeds file becomes classpath:feeds.yaml, anything else fails the build. */
class FeedsBundleTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: vendor-drop
                key_pattern: "orders/**"
                format: { type: csv, header: true }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at }
                  id: { strategy: column, column: order_id }
                table: order_events
            """;

    @TempDir
    Path tmp;

    @Test
    void aValidFeedsFileLandsAsFeedsYamlAndLoadsFromTheClasspathDefault() throws Exception {
        Path source = Files.writeString(tmp.resolve("acme-feeds.yml"), FEEDS);
        Path classes = tmp.resolve("target/classes");

        assertThat(FeedsBundle.bundle(source, classes)).isEqualTo(1);

        assertThat(classes.resolve("feeds.yaml")).hasSameTextualContentAs(source);
        try (URLClassLoader jar = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            // what FeedsLocation("classpath:feeds.yaml") reads, from a class path holding only the bundle
            assertThat(jar.getResource(FeedsBundle.RESOURCE)).isNotNull();
            String text = new String(jar.getResourceAsStream(FeedsBundle.RESOURCE).readAllBytes());
            assertThat(FeedRegistry.parse(text, "classpath:feeds.yaml").feeds()).extracting(Feed::name).containsExactly("orders");
        }
        assertThat(new FeedsLocation("classpath:" + FeedsBundle.RESOURCE).location()).isEqualTo("classpath:feeds.yaml");
    }

    @Test
    void anInvalidFeedsFileFailsTheBuildNamingFileAndFieldAndWritesNothing() throws Exception {
        Path source = Files.writeString(tmp.resolve("feeds.yaml"), FEEDS.replace("table: order_events", "table: 1nvalid"));
        Path classes = tmp.resolve("classes");

        assertThatThrownBy(() -> FeedsBundle.bundle(source, classes)).isInstanceOf(FeedConfigException.class)
                .hasMessageContaining("feeds.yaml").hasMessageContaining("table");
        assertThat(classes.resolve("feeds.yaml")).doesNotExist();
    }

    @Test
    void aMissingFeedsFileFailsNamingTheProperty() {
        assertThatThrownBy(() -> FeedsBundle.bundle(tmp.resolve("nope.yaml"), tmp.resolve("classes")))
                .isInstanceOf(FeedConfigException.class).hasMessageContaining("nope.yaml").hasMessageContaining("-Dinlet.feeds");
    }

    @Test
    void aFeedsFileNamingSchemaFilesIsRefusedBecauseTheClasspathCannotReachThem() throws Exception {
        Files.writeString(tmp.resolve("order-placed.v1.json"), "{\"type\":\"object\"}");
        Path source = Files.writeString(tmp.resolve("feeds.yaml"), FEEDS.replace("    table: order_events",
                "      schemas: { OrderPlaced: order-placed.v1.json }\n    table: order_events"));

        assertThatThrownBy(() -> FeedsBundle.bundle(source, tmp.resolve("classes"))).isInstanceOf(FeedConfigException.class)
                .hasMessageContaining("[orders]").hasMessageContaining("schema");
        assertThat(tmp.resolve("classes/feeds.yaml")).doesNotExist();
    }
}
