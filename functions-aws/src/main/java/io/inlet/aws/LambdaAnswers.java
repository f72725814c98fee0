package io.inlet.aws;

import io.inlet.trigger.Verdict;

/** How a direct invocation's result names a verdict: the detail, prefixed {@code GAVE_UP} for a permanent failure. */
final class LambdaAnswers {

    private LambdaAnswers() {
    }

    static String line(Verdict verdict) {
        return verdict.outcome() == Verdict.Outcome.GAVE_UP ? "GAVE_UP " + verdict.detail() : verdict.detail();
    }
}
