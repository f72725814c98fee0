package io.inlet.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A stable id for a payload that carries none, so a poison payload is still recorded once, however often it comes. */
public final class PayloadDigest {

    private PayloadDigest() {
    }

    public static String id(byte[] payload) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    public static String id(String payload) {
        return id(payload.getBytes(StandardCharsets.UTF_8));
    }
}
