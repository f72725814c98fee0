package io.inlet.parse;

import java.util.List;

/**
 * CSV dialect of a feed.
 *
 * @param delimiter      field separator ({@code ','}, {@code ';'}, {@code '\t'}, {@code '|'})
 * @param quote          quote character
 * @param escape         escape character, or {@code null} when quotes are escaped by doubling
 * @param header         the first line names the columns
 * @param columns        declared column names; required when {@code header} is false, and when both
 *                       are given the header must match them
 * @param trim           trim surrounding whitespace of unquoted fields
 * @param skipEmptyLines blank lines are not records
 */
public record CsvOptions(char delimiter, char quote, Character escape, boolean header, List<String> columns,
                         boolean trim, boolean skipEmptyLines) implements FormatSettings {

    public static final CsvOptions DEFAULTS = new CsvOptions(',', '"', null, true, List.of(), false, true);

    public CsvOptions {
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    @Override
    public List<String> declaredColumns() {
        return columns;
    }

    @Override
    public boolean hasHeader() {
        return header;
    }
}
