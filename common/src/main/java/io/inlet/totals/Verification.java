package io.inlet.totals;

import java.util.List;
import java.util.stream.Collectors;

/** The outcome of checking one file's control totals: every check, and where its control records are. */
public record Verification(List<TotalsCheck> checks, ControlRecords controls) {

    public Verification {
        checks = List.copyOf(checks);
    }

    public boolean matched() {
        return checks.stream().allMatch(TotalsCheck::matched);
    }

    /** The checks that failed, each with both values: the file's error when it is rejected. */
    public String mismatchReport() {
        return "control totals do not match: " + checks.stream().filter(c -> !c.matched()).map(TotalsCheck::describe)
                .collect(Collectors.joining("; "));
    }
}
