package io.inlet.parse;

import java.util.List;

/**
 * The options only one format has (CSV's delimiter, quote and columns): owned by the format that
 * reads them, and asked by the layers above only the questions any format can answer.
 */
public interface FormatSettings {

    /** A format without options of its own. */
    FormatSettings NONE = new FormatSettings() {
        @Override
        public String toString() {
            return "FormatSettings.NONE";
        }
    };

    /**
     * Columns the feed declares, known before any file is read (mapping references are checked
     * against them); empty when records carry their own keys.
     */
    default List<String> declaredColumns() {
        return List.of();
    }

    /** The file starts with a header row, so an empty file lacks even that. */
    default boolean hasHeader() {
        return false;
    }
}
