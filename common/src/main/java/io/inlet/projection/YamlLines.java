package io.inlet.projection;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every node of a YAML document, by path ({@code projections[0].on.OrderPlaced}), so a
 * configuration error can name its line. Jackson's tree forgets locations; this walks the tokens once.
 */
final class YamlLines {

    private final Map<String, Integer> lines = new HashMap<>();

    private YamlLines() {
    }

    static YamlLines of(String yaml) {
        YamlLines out = new YamlLines();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            Deque<Frame> stack = new ArrayDeque<>();
            String pending = null; // the path of the value about to come
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                int line = p.currentLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
                    Frame f = stack.peek();
                    pending = child(f.path, p.currentName());
                    out.lines.putIfAbsent(pending, line);
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                    continue;
                }
                String path;
                Frame parent = stack.peek();
                if (parent == null) path = "";
                else if (parent.array) path = parent.path + "[" + parent.next++ + "]";
                else path = pending;
                out.lines.putIfAbsent(path, line);
                if (t == JsonToken.START_OBJECT) stack.push(new Frame(path, false));
                else if (t == JsonToken.START_ARRAY) stack.push(new Frame(path, true));
            }
        } catch (IOException | RuntimeException e) {
            // the document was parsed before; without lines, errors still name the field
        }
        return out;
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The line of the node at {@code path}, or of its nearest ancestor that has one, or 0. */
    int lineOf(String path) {
        for (String p = path; ; ) {
            Integer line = lines.get(p);
            if (line != null) return line;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) return lines.getOrDefault("", 0);
            p = p.substring(0, cut);
        }
    }

    private static final class Frame {
        final String path;
        final boolean array;
        int next;

        Frame(String path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }
}
