package io.inlet.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/**
 * A deterministic vendor orders file: {@code order_id,customer,amount,currency,ordered_at,status,note}.
 * Customers place several orders each (so streams have several versions); about one status in a
 * hundred is a quoted value with a comma, as vendors' exports have; {@code noteChars} pads every row
 * with free text (delivery instructions) so the memory benchmark can reach a file size with fewer rows.
 */
record OrdersCsv(long rows, int customers, int noteChars, long seed) {

    static final String HEADER = "order_id,customer,amount,currency,ordered_at,status,note";
    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "USD", "GBP", "PLN"};
    private static final String[] STATUSES = {"placed", "paid", "paid", "shipped", "delivered", "cancelled"};
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final String WORDS = "leave at the back door ring twice call on arrival fragile glass handle with care ";

    /** Writes the file; the same settings always give the same bytes. Returns its size in bytes. */
    long write(Path file) throws IOException {
        Random random = new Random(seed);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            StringBuilder row = new StringBuilder(128 + noteChars);
            for (long i = 1; i <= rows; i++) {
                row.setLength(0);
                row.append("ORD-").append(String.format("%09d", i)).append(',')
                        .append("cust-").append(String.format("%06d", random.nextInt(customers))).append(',')
                        .append(1 + random.nextInt(2_000)).append('.').append(String.format("%02d", random.nextInt(100))).append(',')
                        .append(CURRENCIES[random.nextInt(CURRENCIES.length)]).append(',')
                        .append(START.plusSeconds(i * 3 + random.nextInt(3))).append(',');
                if (random.nextInt(100) == 0) row.append("\"on hold, awaiting payment\"");
                else row.append(STATUSES[random.nextInt(STATUSES.length)]);
                row.append(',');
                int start = random.nextInt(WORDS.length());
                for (int c = 0; c < noteChars; c++) row.append(WORDS.charAt((start + c) % WORDS.length()));
                row.append('\n');
                w.append(row);
            }
        }
        return Files.size(file);
    }

    /** Rows needed for a file of about {@code bytes} bytes with this note width. */
    static long rowsForSize(long bytes, int noteChars) {
        return Math.max(1, bytes / (66 + noteChars));
    }
}
