package io.inlet.cli;

import java.util.Objects;

/**
 * A bucket target on the command line: {@code s3://bucket/prefix}, {@code gs://bucket/prefix}, or one
 * object version: {@code s3://bucket/key?versionId=V}, {@code gs://bucket/key#GENERATION}. The key is
 * taken literally (no URL decoding: what the console shows is what is meant).
 *
 * @param path    the prefix (may be empty: the whole bucket), or the key when {@code version} is set
 * @param version the S3 version id or GCS generation of one object; null for a prefix
 */
record BucketUri(Scheme scheme, String bucket, String path, String version) {

    enum Scheme {
        S3("s3"), GCS("gs");

        final String prefix;

        Scheme(String name) {
            this.prefix = name + "://";
        }
    }

    BucketUri {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(path, "path");
        if (bucket == null || bucket.isBlank()) throw new IllegalArgumentException("no bucket");
        if (version != null && path.isEmpty()) throw new IllegalArgumentException("a version needs an object key");
    }

    static boolean isBucket(String target) {
        return target.startsWith(Scheme.S3.prefix) || target.startsWith(Scheme.GCS.prefix);
    }

    /** @throws CliException (usage) naming what is wrong with {@code target} */
    static BucketUri parse(String target) {
        Scheme scheme = target.startsWith(Scheme.S3.prefix) ? Scheme.S3 : target.startsWith(Scheme.GCS.prefix) ? Scheme.GCS : null;
        if (scheme == null) throw new CliException(ExitCodes.USAGE, target + ": not an s3:// or gs:// address");
        String rest = target.substring(scheme.prefix.length());
        String version = null;
        if (scheme == Scheme.S3) {
            int q = rest.lastIndexOf("?versionId=");
            if (q >= 0) {
                version = rest.substring(q + "?versionId=".length());
                rest = rest.substring(0, q);
                if (version.isEmpty()) throw new CliException(ExitCodes.USAGE, target + ": empty versionId");
            }
        } else {
            int h = rest.lastIndexOf('#');
            if (h >= 0) {
                version = rest.substring(h + 1);
                rest = rest.substring(0, h);
                if (version.isEmpty() || !version.chars().allMatch(c -> c >= '0' && c <= '9') || version.length() > 19) {
                    throw new CliException(ExitCodes.USAGE, target + ": the generation after # must be a number");
                }
            }
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) throw new CliException(ExitCodes.USAGE, target + ": no bucket name");
        if (version != null && path.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, target + ": a version names one object: give its key");
        }
        return new BucketUri(scheme, bucket, path, version);
    }

    @Override
    public String toString() {
        String v = version == null ? "" : scheme == Scheme.S3 ? "?versionId=" + version : "#" + version;
        return scheme.prefix + bucket + "/" + path + v;
    }
}
