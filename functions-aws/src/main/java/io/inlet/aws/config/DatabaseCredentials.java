package io.inlet.aws.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.trigger.SettingException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The database login, given directly or read from a Secrets Manager JSON secret ({@code username}, {@code password}). */
public record DatabaseCredentials(String user, String password) {

    @Override
    public String toString() {
        return "DatabaseCredentials[user=" + user + ", password=***]";
    }

    public static DatabaseCredentials fromSecret(SecretsManagerClient secrets, String secretArn) {
        return fromSecret(secrets, secretArn, FunctionSettings.DATABASE_SECRET_ARN);
    }

    /** As above, naming {@code variable} (the environment variable that gave the ARN) in errors. */
    public static DatabaseCredentials fromSecret(SecretsManagerClient secrets, String secretArn, String variable) {
        String secret;
        try {
            secret = secrets.getSecretValue(b -> b.secretId(secretArn)).secretString();
        } catch (SdkException e) {
            throw new SettingException(variable,
                    "'" + secretArn + "' could not be read: " + e.getMessage());
        }
        try {
            JsonNode json = new ObjectMapper().readTree(secret == null ? "" : secret);
            String user = json == null ? null : json.path("username").asText(null);
            String password = json == null ? null : json.path("password").asText(null);
            if (user == null || password == null) {
                throw new SettingException(variable,
                        "'" + secretArn + "' has no 'username' and 'password' fields");
            }
            return new DatabaseCredentials(user, password);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SettingException(variable,
                    "'" + secretArn + "' is not a JSON secret");
        }
    }
}
