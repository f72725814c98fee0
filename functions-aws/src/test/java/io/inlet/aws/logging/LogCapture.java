package io.inlet.aws.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The lines the deployed layout writes while a test runs: an appender with {@link PowertoolsJsonLayout}
 * (as logback.xml configures it) on the root logger, writing into memory.
 */
public final class LogCapture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Logger root;

    private LogCapture(String service) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PowertoolsJsonLayout layout = new PowertoolsJsonLayout();
        layout.setService(service);
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setLayout(layout);
        encoder.setContext(context);
        encoder.start();
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.setContext(context);
        appender.setName("capture");
        appender.start();
        root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
    }

    public static LogCapture start(String service) {
        return new LogCapture(service);
    }

    /** The raw text written so far. */
    public synchronized String text() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Each line written so far, parsed; fails if a line is not one JSON object. */
    public List<JsonNode> lines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (line.isEmpty()) continue;
            JsonNode node = JSON.readTree(line.strip());
            if (!node.isObject()) throw new AssertionError("not a JSON object: " + line);
            lines.add(node);
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
