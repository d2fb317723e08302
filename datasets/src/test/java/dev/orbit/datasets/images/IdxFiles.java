package dev.orbit.datasets.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small synthetic IDX files for tests. */
final class IdxFiles {

    private IdxFiles() {}

    static byte[] encode(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian, as IDX
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static Path raw(Path file, int[] dims, byte[] data) throws IOException {
        return Files.write(file, encode(dims, data));
    }

    static Path gzip(Path file, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        }
        return Files.write(file, bytes.toByteArray());
    }

    /** Writes a complete, tiny MNIST-style dataset (train n, test n/2, 4x3 images) into {@code dir}. */
    static void writeTinyDataset(Path dir, int n, boolean gzipped) throws IOException {
        Files.createDirectories(dir);
        writeSplit(dir, "train", n, gzipped);
        writeSplit(dir, "t10k", n / 2, gzipped);
    }

    private static void writeSplit(Path dir, String prefix, int n, boolean gzipped) throws IOException {
        byte[] pixels = new byte[n * 12];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        write(dir.resolve(prefix + "-images-idx3-ubyte"), encode(new int[] {n, 4, 3}, pixels), gzipped);
        write(dir.resolve(prefix + "-labels-idx1-ubyte"), encode(new int[] {n}, labels), gzipped);
    }

    private static void write(Path file, byte[] content, boolean gzipped) throws IOException {
        if (gzipped) {
            gzip(file.resolveSibling(file.getFileName() + ".gz"), content);
        } else {
            Files.write(file, content);
        }
    }
}
