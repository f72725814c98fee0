package io.inlet.cli;

import io.inlet.feed.FeedRegistry;
import io.inlet.ledger.LedgerEntry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectSource;
import io.inlet.source.SourceResolver;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Turns what an operator names — a ledger file id, a local path, {@code s3://bucket/key[?versionId=V]}
 * or {@code gs://bucket/key[#generation]} — into a ledger row, and says where the object's bytes
 * are read from: local files under {@code --root}, or the bucket through the functions' own
 * ObjectSource (credentials from the SDK's default chain).
 */
final class LedgerTargets {

    /** Where the bytes of a version recorded in the ledger are read from. */
    enum From {
        LOCAL, S3, GS;

        /** {@code --source}: local, s3 or gs; null when not given. */
        static From parse(String option) {
            if (option == null) return null;
            return switch (option.toLowerCase(java.util.Locale.ROOT)) {
                case "local" -> LOCAL;
                case "s3" -> S3;
                case "gs", "gcs" -> GS;
                default -> throw new CliException(ExitCodes.USAGE, "--source must be local, s3 or gs: " + option);
            };
        }
    }

    /** A resolved target: its ledger row and where its bytes come from. */
    record Target(LedgerEntry entry, From from) {
    }

    private LedgerTargets() {
    }

    static Target resolve(String target, DataSource ds, Supplier<FeedRegistry> feeds, Path root, String bucket, From fromOption)
            throws Exception {
        String bucketName;
        String key;
        String version = null;
        From from;
        if (target.matches("\\d{1,18}")) {
            try (Connection c = ds.getConnection()) {
                LedgerEntry e = LedgerEntry.byId(c, Long.parseLong(target))
                        .orElseThrow(() -> new CliException(ExitCodes.USAGE, "no ledger file with id " + target + " (see `inlet status`)"));
                return new Target(e, fromOption == null ? From.LOCAL : fromOption);
            }
        } else if (target.startsWith("s3://") || target.startsWith("gs://")) {
            from = target.startsWith("s3://") ? From.S3 : From.GS;
            URI uri = URI.create(target.replace(" ", "%20"));
            bucketName = uri.getHost();
            key = URLDecoder.decode(uri.getRawPath().replaceFirst("^/", ""), StandardCharsets.UTF_8);
            if (from == From.S3 && uri.getRawQuery() != null && uri.getRawQuery().startsWith("versionId=")) {
                version = URLDecoder.decode(uri.getRawQuery().substring("versionId=".length()), StandardCharsets.UTF_8);
            }
            if (from == From.GS && uri.getRawFragment() != null) version = uri.getRawFragment();
            if (bucketName == null || key.isEmpty()) throw new CliException(ExitCodes.USAGE, "not an object URL: " + target);
        } else {
            Path base = (root == null ? Path.of("") : root).toAbsolutePath().normalize();
            Path file = base.resolve(target).normalize();
            if (!file.startsWith(base)) throw new CliException(ExitCodes.USAGE, target + " is outside --root " + base);
            if (!Files.isRegularFile(file)) throw new CliException(ExitCodes.USAGE, "no such file: " + target);
            bucketName = bucket != null ? bucket : onlyBucket(feeds.get());
            key = base.relativize(file).toString().replace('\\', '/');
            from = From.LOCAL;
        }
        try (Connection c = ds.getConnection()) {
            List<LedgerEntry> rows = LedgerEntry.byKey(c, bucketName, key, version);
            if (rows.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "the ledger has no file " + bucketName + "/" + key
                        + (version == null ? "" : "#" + version) + " (see `inlet status`)");
            }
            return new Target(rows.get(0), fromOption == null ? from : fromOption);
        }
    }

    static String onlyBucket(FeedRegistry feeds) {
        Set<String> buckets = feeds.feeds().stream().map(f -> f.match().bucket()).collect(Collectors.toCollection(TreeSet::new));
        if (buckets.size() == 1) return buckets.iterator().next();
        throw new CliException(ExitCodes.USAGE, "the feeds name several buckets " + buckets + ": give --bucket");
    }

    /**
     * Reads versions from {@code from}: local files under {@code root}, or the bucket. The S3 and GCS
     * clients are made once, on first use, from the SDKs' default credential chains.
     */
    static SourceResolver resolver(From from, Path root) {
        return switch (from) {
            case LOCAL -> SourceResolver.always(new LocalFileSource((root == null ? Path.of("") : root).toAbsolutePath().normalize()));
            case S3 -> lazily(() -> new io.inlet.aws.s3.S3ObjectSource(software.amazon.awssdk.services.s3.S3Client.create()));
            case GS -> lazily(() -> new io.inlet.gcp.storage.GcsObjectSource(
                    com.google.cloud.storage.StorageOptions.getDefaultInstance().getService()));
        };
    }

    private static SourceResolver lazily(Supplier<ObjectSource> make) {
        ObjectSource[] made = new ObjectSource[1];
        return ref -> {
            if (made[0] == null) made[0] = make.get();
            return made[0];
        };
    }
}
