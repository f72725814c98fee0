package io.inlet.db;

import java.util.Map;
import java.util.Optional;

/**
 * Where the database is: {@code INLET_DATABASE_URL} (a {@code jdbc:postgresql://} URL) with
 * {@code INLET_DATABASE_USER} and {@code INLET_DATABASE_PASSWORD}; absent URL means "start an
 * embedded server" (CLI and tests only).
 */
public record DatabaseSettings(String url, String user, String password) {

    public static final String URL = "INLET_DATABASE_URL";
    public static final String USER = "INLET_DATABASE_USER";
    public static final String PASSWORD = "INLET_DATABASE_PASSWORD";

    public DatabaseSettings {
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(URL + " must be a jdbc:postgresql: URL, got '" + redact(url) + "'");
        }
    }

    public static Optional<DatabaseSettings> fromEnvironment(Map<String, String> env) {
        String url = env.get(URL);
        if (url == null || url.isBlank()) return Optional.empty();
        return Optional.of(new DatabaseSettings(url.trim(), env.get(USER), env.get(PASSWORD)));
    }

    /** The URL with any password parameter masked, for logs and errors. */
    public static String redact(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + redact(url) + ", user=" + user + ", password=" + (password == null ? "unset" : "***") + "]";
    }
}
