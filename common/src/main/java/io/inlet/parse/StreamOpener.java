package io.inlet.parse;

import java.io.IOException;
import java.io.InputStream;

/** Opens the raw bytes of one file from a byte offset (a ranged read); see {@code ObjectSource}. */
@FunctionalInterface
public interface StreamOpener {

    InputStream open(long fromByte) throws IOException;
}
