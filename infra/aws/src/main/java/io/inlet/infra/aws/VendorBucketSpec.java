package io.inlet.infra.aws;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One vendor bucket and the key prefixes Inlet reads from it (one prefix per feed).
 *
 * <p>Prefixes decide both the notification filters and the IAM grant: the functions may read only
 * objects under these prefixes. S3 refuses two notification rules whose prefixes overlap for the same
 * event type, so overlapping prefixes are refused here, at synth time, with the two prefixes named.
 *
 * @param id construct id of the bucket (letters and digits)
 * @param bucketName the physical bucket name, or {@code null} to let CloudFormation generate one
 * @param prefixes key prefixes, each ending with '/', none starting with '/'
 * @param receiptsPrefix where the feeds of this bucket write their receipts (the {@code receipts.prefix} of
 *                       their feeds in the feeds file), or {@code null}: no receipts, and then no write grant at
 *                       all. The ingest functions may {@code s3:PutObject} under this prefix and nowhere else.
 */
public record VendorBucketSpec(String id, String bucketName, List<String> prefixes, String receiptsPrefix) {

    /** A bucket the functions only read (no receipts written into it). */
    public VendorBucketSpec(String id, String bucketName, List<String> prefixes) {
        this(id, bucketName, prefixes, null);
    }

    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,62}");
    private static final Pattern BUCKET_NAME = Pattern.compile("(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9!_.*'()=-][A-Za-z0-9!_.*'()=/-]*/");

    public VendorBucketSpec {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("vendor bucket id '" + id + "' must be letters and digits, starting with a letter");
        }
        if (bucketName != null && !BUCKET_NAME.matcher(bucketName).matches()) {
            throw new IllegalArgumentException("vendor bucket '" + id + "': bucket name '" + bucketName + "' is not a valid S3 bucket name");
        }
        if (prefixes == null || prefixes.isEmpty()) {
            throw new IllegalArgumentException("vendor bucket '" + id + "' needs at least one key prefix (one per feed)");
        }
        prefixes = List.copyOf(prefixes);
        for (String prefix : prefixes) {
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("vendor bucket '" + id + "': prefix '" + prefix
                        + "' must not start with '/', must end with '/', and use only S3 safe characters");
            }
        }
        if (receiptsPrefix != null && (!PREFIX.matcher(receiptsPrefix).matches() || receiptsPrefix.contains(".."))) {
            throw new IllegalArgumentException("vendor bucket '" + id + "': receiptsPrefix '" + receiptsPrefix
                    + "' must be a folder such as 'receipts/' (not starting with '/', ending with '/', no '..', S3 safe characters)");
        }
        for (int i = 0; i < prefixes.size(); i++) {
            for (int j = 0; j < prefixes.size(); j++) {
                if (i != j && prefixes.get(j).startsWith(prefixes.get(i))) {
                    throw new IllegalArgumentException("vendor bucket '" + id + "': prefixes '" + prefixes.get(i) + "' and '"
                            + prefixes.get(j) + "' overlap; S3 rejects overlapping notification filters");
                }
            }
        }
    }
}
