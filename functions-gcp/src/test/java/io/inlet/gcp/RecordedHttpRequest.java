package io.inlet.gcp;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.core.message.impl.BaseGenericBinaryMessageReaderImpl;
import io.cloudevents.core.message.impl.MessageUtils;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.core.data.BytesCloudEventData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A raw HTTP request as recorded in a {@code .http} sample (request line, headers, blank line,
 * body), turned into a CloudEvent by the CloudEvents SDK's HTTP rules: binary mode when
 * {@code ce-specversion} is a header, structured when the content type is a CloudEvents format.
 */
public record RecordedHttpRequest(String method, String path, List<Map.Entry<String, String>> headers, byte[] body) {

    public static RecordedHttpRequest read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        int split = text.indexOf("\n\n");
        String head = split < 0 ? text : text.substring(0, split);
        String body = split < 0 ? "" : text.substring(split + 2);
        String[] lines = head.split("\n");
        String[] requestLine = lines[0].split(" ");
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim();
            // Content-Length of a recorded request may not match the stored body; it is recomputed when sent.
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Host")) continue;
            headers.add(Map.entry(name, lines[i].substring(colon + 1).trim()));
        }
        return new RecordedHttpRequest(requestLine[0], requestLine[1], List.copyOf(headers), body.getBytes(StandardCharsets.UTF_8));
    }

    public String header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    public CloudEvent toCloudEvent() {
        MessageReader reader = MessageUtils.parseStructuredOrBinaryMessage(
                () -> header("Content-Type"),
                format -> new io.cloudevents.core.message.impl.GenericStructuredMessageReader(format, body),
                () -> header("ce-specversion"),
                version -> new BinaryReader(version, this));
        return reader.toEvent();
    }

    private static final class BinaryReader extends BaseGenericBinaryMessageReaderImpl<String, String> {
        private final RecordedHttpRequest request;

        BinaryReader(SpecVersion version, RecordedHttpRequest request) {
            super(version, request.body.length == 0 ? null : BytesCloudEventData.wrap(request.body));
            this.request = request;
        }

        @Override
        protected boolean isContentTypeHeader(String key) {
            return key.equalsIgnoreCase("Content-Type");
        }

        @Override
        protected boolean isCloudEventsHeader(String key) {
            return key.length() > 3 && key.regionMatches(true, 0, "ce-", 0, 3);
        }

        @Override
        protected String toCloudEventsKey(String key) {
            return key.substring(3).toLowerCase();
        }

        @Override
        protected void forEachHeader(BiConsumer<String, String> fn) {
            request.headers.forEach(h -> fn.accept(h.getKey(), h.getValue()));
        }

        @Override
        protected String toCloudEventsValue(String value) {
            return value;
        }
    }

    static {
        // Makes sure the JSON format is registered for structured requests.
        EventFormatProvider.getInstance();
    }
}
