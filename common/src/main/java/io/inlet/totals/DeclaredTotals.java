package io.inlet.totals;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one control source (header, trailer, sidecar) declares; each part null/empty when it says
 * nothing about it.
 *
 * @param source names the control source in every check, e.g. {@code trailer}
 */
record DeclaredTotals(String source, Long count, Map<String, BigDecimal> sums, String md5, String sha256) {

    DeclaredTotals {
        sums = sums == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sums));
        md5 = md5 == null ? null : md5.trim();
        sha256 = sha256 == null ? null : sha256.trim();
    }
}
