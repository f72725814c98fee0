package io.inlet.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No error or log line echoes a database credential, whatever shape of URL carries it. */
class DatabaseUrlRedactionTest {

    static final String SECRET = "S3cr3t-pw";

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://db.example:5432/inlet?user=u&password=" + SECRET,
            "jdbc:postgresql://db.example:5432/inlet?password=" + SECRET + "&ssl=true",
            "jdbc:postgresql://db.example/inlet?sslmode=require&PassWord=" + SECRET,
            "jdbc:postgresql://db.example/inlet?sslpassword=" + SECRET,
            "jdbc:postgresql://u:" + SECRET + "@db.example:5432/inlet",
            "jdbc:postgresql://u:" + SECRET + "/x@y@db.example/inlet",
            "postgres://u:" + SECRET + "@db.example:5432/inlet",
            "postgresql://u:" + SECRET + "@db.example/inlet?sslmode=require",
            "postgres://" + SECRET + "@db.example/inlet",
            "postgres://db.example/inlet?password=" + SECRET,
            "jdbc:postgresql:inlet?password=" + SECRET})
    void everyUrlShapeIsRedactedInErrorsAndText(String url) {
        String redacted = DatabaseSettings.redact(url);
        assertThat(redacted).doesNotContain(SECRET).contains("***");
        if (url.contains("db.example")) assertThat(redacted).contains("db.example");
        if (!url.startsWith("jdbc:postgresql:")) {
            assertThatThrownBy(() -> new DatabaseSettings(url, "u", SECRET))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be a jdbc:postgresql: URL")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        } else {
            assertThat(new DatabaseSettings(url, "u", SECRET).toString()).doesNotContain(SECRET);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://u:" + SECRET + "@db.example:notaport/inlet",
            "jdbc:postgresql://db.example:99999999/inlet?password=" + SECRET})
    void aUrlTheDriverCannotParseIsNamedWithoutItsSecret(String url) {
        assertThatThrownBy(() -> Database.dataSource(new DatabaseSettings(url, null, null)))
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
                })
                .hasMessageContaining("db.example");
    }
}
