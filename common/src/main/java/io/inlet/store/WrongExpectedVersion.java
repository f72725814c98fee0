package io.inlet.store;

/**
 * An append at an expected stream version that did not hold: the stream's head was another version.
 *
 * @param table    the event table
 * @param streamId the stream
 * @param expected the version the writer expected the stream to be at (0: no event yet)
 * @param stored   the version the stream is at (0: no event yet)
 */
public record WrongExpectedVersion(String table, String streamId, long expected, long stored) {

    /** The outcome's name, as it is recorded in the message ledger's reason and shown in logs. */
    public static final String OUTCOME = "WRONG_EXPECTED_VERSION";

    /** "{@code WRONG_EXPECTED_VERSION: stream 'S' of T is at version 5, expected 3}". */
    public String describe() {
        return OUTCOME + ": stream '" + io.inlet.event.Printable.of(streamId, 200) + "' of " + table
                + " is at version " + stored + ", expected " + expected;
    }
}
