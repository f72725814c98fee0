package io.inlet.fuzz;

/**
 * A broken promise found by the whole-path fuzzer.
 *
 * @param signature the failure class (no values in it), so one defect is one signature
 * @param detail    what was seen, values included
 */
record Violation(String signature, String detail) {

    @Override
    public String toString() {
        return signature + ": " + detail;
    }
}
