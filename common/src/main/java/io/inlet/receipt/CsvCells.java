package io.inlet.receipt;

/**
 * CSV injection: a cell a spreadsheet would evaluate ({@code = + - @}, or a tab or carriage return
 * first, which some spreadsheets strip before looking) gets a leading apostrophe, so it is shown
 * as text. OWASP's advice for CSV exports; a value changed this way says so by that apostrophe.
 */
final class CsvCells {

    private CsvCells() {
    }

    static String neutralise(String cell) {
        if (cell == null || cell.isEmpty()) return cell;
        char first = cell.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + cell : cell;
    }
}
