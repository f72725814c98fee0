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

    /**
     * The URL with its credentials masked, for logs and errors: the userinfo of any
     * {@code scheme://userinfo@host} (jdbc:postgresql://, postgres://, postgresql://) and the value of
     * every {@code password=} parameter (sslpassword too). The userinfo ends at the last '@' before
     * the query, so an unencoded '/' or '@' in a password is masked as well.
     */
    public static String redact(String url) {
        if (url == null) return null;
        String masked = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        int authority = masked.indexOf("://");
        if (authority < 0) return masked;
        authority += 3;
        int query = masked.indexOf('?', authority);
        int at = masked.lastIndexOf('@', query < 0 ? masked.length() - 1 : query - 1);
        if (at < authority) return masked;
        return masked.substring(0, authority) + "***" + masked.substring(at);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + redact(url) + ", user=" + user + ", password=" + (password == null ? "unset" : "***") + "]";
    }
}
