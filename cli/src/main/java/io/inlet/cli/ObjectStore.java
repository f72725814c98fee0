package io.inlet.cli;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.aws.s3.S3ObjectLister;
import io.inlet.aws.s3.S3ObjectSource;
import io.inlet.gcp.storage.GcsBucketReader;
import io.inlet.gcp.storage.GcsObjectLister;
import io.inlet.gcp.storage.GcsObjectSource;
import io.inlet.gcp.storage.StorageFactory;
import io.inlet.source.ObjectLister;
import io.inlet.source.ObjectSource;
import io.inlet.trigger.BucketReader;
import java.net.URI;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A bucket store as the CLI reads it: the functions' own {@link ObjectSource}, the listing of the same
 * cloud and the reader of an {@code s3://} / {@code gs://} feeds file, on a client built from the SDK's
 * default chains (credentials, region, project).
 *
 * <p>Endpoints, for emulators and S3-compatible stores: {@code --endpoint URL}, else
 * {@code INLET_S3_ENDPOINT} (S3, path-style addressing) or {@code STORAGE_EMULATOR_HOST} (GCS, no
 * credentials). Without one, the SDK's own settings apply (e.g. {@code AWS_ENDPOINT_URL_S3}).
 */
record ObjectStore(ObjectSource source, ObjectLister lister, BucketReader reader, AutoCloseable client) implements AutoCloseable {

    static ObjectStore open(BucketUri.Scheme scheme, String endpointOption) {
        return switch (scheme) {
            case S3 -> s3(endpointOption != null ? endpointOption : System.getenv("INLET_S3_ENDPOINT"));
            case GCS -> gcs(endpointOption != null ? endpointOption : System.getenv("STORAGE_EMULATOR_HOST"));
        };
    }

    private static ObjectStore s3(String endpoint) {
        S3ClientBuilder b = S3Client.builder().requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
        Region region;
        try {
            region = new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException e) {
            region = Region.US_EAST_1; // listing and reading need a signing region; S3 redirects to the bucket's
        }
        b.region(region).crossRegionAccessEnabled(true);
        if (endpoint != null && !endpoint.isBlank()) b.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        S3Client s3 = b.build();
        return new ObjectStore(new S3ObjectSource(s3), new S3ObjectLister(s3), new S3BucketReader(s3), s3);
    }

    private static ObjectStore gcs(String endpoint) {
        Storage storage;
        if (endpoint != null && !endpoint.isBlank()) {
            String host = endpoint.contains("://") ? endpoint : "http://" + endpoint;
            storage = StorageOptions.newBuilder().setHost(host).setProjectId("inlet-emulator")
                    .setCredentials(NoCredentials.getInstance()).build().getService();
        } else {
            storage = StorageFactory.createDefault();
        }
        return new ObjectStore(new GcsObjectSource(storage), new GcsObjectLister(storage), new GcsBucketReader(storage), storage);
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
