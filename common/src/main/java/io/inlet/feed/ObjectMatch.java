package io.inlet.feed;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which objects belong to a feed: an exact bucket and a key glob ({@code *} within one path
 * segment, {@code **} across segments, {@code ?} one character).
 */
public record ObjectMatch(String bucket, String keyPattern, Pattern keyRegex) {

    public ObjectMatch {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(keyPattern, "keyPattern");
        if (keyRegex == null) keyRegex = globToRegex(keyPattern);
    }

    public ObjectMatch(String bucket, String keyPattern) {
        this(bucket, keyPattern, null);
    }

    public boolean matches(String bucket, String key) {
        return this.bucket.equals(bucket) && keyRegex.matcher(key).matches();
    }

    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
