package io.inlet.feed;

/**
 * One element of a key glob or of a stream id template's language, over Unicode code points.
 * Key globs use {@link Kind#CHAR}, {@link Kind#ONE_IN_SEGMENT} ({@code ?}), {@link Kind#SEGMENT_STAR}
 * ({@code *}) and {@link Kind#GLOBSTAR} ({@code **}); a template placeholder is {@link Kind#ONE_ANY}
 * followed by {@link Kind#GLOBSTAR} (any non-empty value).
 */
record GlobToken(Kind kind, int codePoint) {

    enum Kind {
        /** Exactly the code point. */
        CHAR,
        /** One code point other than '/'. */
        ONE_IN_SEGMENT,
        /** One code point, '/' included. */
        ONE_ANY,
        /** Zero or more code points other than '/'. */
        SEGMENT_STAR,
        /** Zero or more code points, '/' included. */
        GLOBSTAR
    }

    static final int SLASH = '/';

    static GlobToken literal(int codePoint) {
        return new GlobToken(Kind.CHAR, codePoint);
    }

    static GlobToken of(Kind kind) {
        return new GlobToken(kind, -1);
    }

    boolean isStar() {
        return kind == Kind.SEGMENT_STAR || kind == Kind.GLOBSTAR;
    }

    /** Whether this single-character token accepts the code point. */
    boolean accepts(int cp) {
        return switch (kind) {
            case CHAR -> cp == codePoint;
            case ONE_IN_SEGMENT, SEGMENT_STAR -> cp != SLASH;
            case ONE_ANY, GLOBSTAR -> true;
        };
    }
}
