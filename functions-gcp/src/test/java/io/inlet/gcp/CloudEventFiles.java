package io.inlet.gcp;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a sample CloudEvent with the CloudEvents SDK: {@code .json} is structured mode, {@code .http} a recorded request. */
public final class CloudEventFiles {

    private CloudEventFiles() {
    }

    public static CloudEvent read(Path file) {
        try {
            if (file.toString().endsWith(".http")) return RecordedHttpRequest.read(file).toCloudEvent();
            return new JsonFormat().deserialize(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
