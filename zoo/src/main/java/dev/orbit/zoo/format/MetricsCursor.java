package dev.orbit.zoo.format;

import dev.orbit.datasets.io.FileDigest;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the committed part of {@code metrics.csv} row by row, in zoo row order, checking its
 * checksum and header first; bytes past the manifest's {@code metrics_bytes} (an interrupted append)
 * are never read.
 */
final class MetricsCursor implements AutoCloseable {

    private final Path file;
    private final BufferedReader reader;
    private int row;

    MetricsCursor(Path zooDir, ZooManifest manifest) throws IOException {
        this.file = zooDir.resolve(ZooFormat.METRICS);
        long committedBytes = manifest.metricsBytes();
        requireCommitted(file, manifest);
        InputStream in = new Limited(Files.newInputStream(file), committedBytes);
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String header = reader.readLine();
        if (header == null || !header.equals(MetricsCsv.header().strip())) {
            reader.close();
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    file + " does not start with the expected header " + MetricsCsv.header().strip() + ".");
        }
    }

    /**
     * Checks that {@code metrics.csv} holds the manifest's committed bytes and, from format version
     * 2 on, that they match {@code metrics_sha256} (one streaming pass over the committed prefix).
     *
     * @throws ZooFormatException when the file is missing, shorter than committed, or changed
     */
    static void requireCommitted(Path file, ZooManifest manifest) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " is missing.", e);
        }
        if (size < manifest.metricsBytes()) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " holds " + size
                    + " bytes but the manifest committed " + manifest.metricsBytes() + " (truncated).");
        }
        if (manifest.checksMetrics()
                && !FileDigest.sha256(file, manifest.metricsBytes()).equals(manifest.metricsSha256())) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " does not match the SHA-256"
                    + " the manifest records for its " + manifest.metricsBytes() + " committed bytes (it was changed"
                    + " after it was written).");
        }
    }

    /** @return the next row, or null after the last committed one */
    ZooMetricsRow next() throws IOException {
        String line = reader.readLine();
        if (line == null) {
            return null;
        }
        ZooMetricsRow r = MetricsCsv.parse(line, row, file + " line " + (row + 2));
        row++;
        return r;
    }

    /** @return the next row, failing when the file has fewer rows than the manifest */
    ZooMetricsRow require() throws IOException {
        ZooMetricsRow r = next();
        if (r == null) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    file + " ends after " + row + " rows but the manifest commits more.");
        }
        return r;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
