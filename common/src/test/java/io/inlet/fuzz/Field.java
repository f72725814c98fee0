package io.inlet.fuzz;

/** The columns of every fuzzed record, as the fuzz feeds map them. */
enum Field {
    ID("id", Kind.TEXT),
    TYPE("type", Kind.TEXT),
    STREAM("stream", Kind.TEXT),
    AT("at", Kind.TIME),
    AMOUNT("amount", Kind.DECIMAL),
    QTY("qty", Kind.INTEGER),
    SEEN("seen", Kind.TIME),
    PAID("paid", Kind.BOOLEAN),
    DUE("due", Kind.DATE),
    NOTE("note", Kind.TEXT);

    enum Kind { TEXT, DECIMAL, INTEGER, TIME, BOOLEAN, DATE }

    static final Field[] ALL = values();

    final String column;
    final Kind kind;

    Field(String column, Kind kind) {
        this.column = column;
        this.kind = kind;
    }
}
