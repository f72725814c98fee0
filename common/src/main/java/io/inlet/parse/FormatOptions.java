package io.inlet.parse;

import java.util.List;

/**
 * The {@code format:} mapping of one feed, as a {@link RecordFormat} reads its options from it.
 * The feeds file implements it over its own nodes, so every error a format raises names the file,
 * the feed and the option ({@code feeds.yaml: feed 'acme': format.delimiter: ...}) without the
 * format knowing where it was declared. Absent options give the fallback; a value of the wrong type
 * or outside its range is an error naming the option.
 */
public interface FormatOptions {

    boolean has(String key);

    String text(String key, String fallback);

    boolean bool(String key, boolean fallback);

    long integer(String key, long fallback, long min, long max);

    /** A list of texts; absent is empty. */
    List<String> texts(String key);

    /** An error about option {@code key}, to throw: it names the file, the feed and the option. */
    RuntimeException error(String key, String message);

    /** An error about element {@code index} of list option {@code key}. */
    RuntimeException error(String key, int index, String message);
}
