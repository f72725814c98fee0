package io.inlet.aws.config;

import io.inlet.trigger.SettingException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * No Secrets Manager emulator runs here, so a tiny server answers GetSecretValue in the service's
 * own wire protocol (AWS JSON 1.1, {@code X-Amz-Target: secretsmanager.GetSecretValue}); the client
 * is the real SDK one.
 */
class DatabaseCredentialsTest {

    private HttpServer server;
    private final List<String> targets = new ArrayList<>();

    private SecretsManagerClient secretsAnswering(int status, String json) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            if (status != 200) exchange.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return SecretsManagerClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    @Test
    void readsUsernameAndPasswordFromAJsonSecret() throws IOException {
        String arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:inlet-db-AbCdEf";
        try (SecretsManagerClient secrets = secretsAnswering(200, "{\"ARN\":\"" + arn + "\",\"Name\":\"inlet-db\","
                + "\"SecretString\":\"{\\\"username\\\":\\\"inlet_app\\\",\\\"password\\\":\\\"pa55\\\",\\\"host\\\":\\\"db\\\"}\","
                + "\"VersionId\":\"v1\"}")) {
            assertThat(DatabaseCredentials.fromSecret(secrets, arn)).isEqualTo(new DatabaseCredentials("inlet_app", "pa55"));
        }
        assertThat(targets).containsExactly("secretsmanager.GetSecretValue {\"SecretId\":\"" + arn + "\"}");
    }

    @Test
    void aSecretWithoutPasswordNamesTheVariable() throws IOException {
        try (SecretsManagerClient secrets = secretsAnswering(200, "{\"SecretString\":\"{\\\"username\\\":\\\"u\\\"}\"}")) {
            assertThatThrownBy(() -> DatabaseCredentials.fromSecret(secrets, "arn:aws:secretsmanager:eu-west-1:1:secret:s"))
                    .isInstanceOf(SettingException.class)
                    .hasMessage("INLET_DATABASE_SECRET_ARN 'arn:aws:secretsmanager:eu-west-1:1:secret:s' has no 'username'"
                            + " and 'password' fields");
        }
    }

    @Test
    void anUnreadableSecretNamesTheVariable() throws IOException {
        try (SecretsManagerClient secrets = secretsAnswering(400,
                "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}")) {
            assertThatThrownBy(() -> DatabaseCredentials.fromSecret(secrets, "arn:aws:secretsmanager:eu-west-1:1:secret:gone"))
                    .isInstanceOf(SettingException.class)
                    .hasMessageStartingWith("INLET_DATABASE_SECRET_ARN 'arn:aws:secretsmanager:eu-west-1:1:secret:gone' could"
                            + " not be read: Secrets Manager can't find the specified secret.");
        }
    }

    @Test
    void passwordIsNotPrinted() {
        assertThat(new DatabaseCredentials("u", "pa55").toString()).isEqualTo("DatabaseCredentials[user=u, password=***]");
    }
}
