package dev.orbit.datasets.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 checksums of files, for pinning datasets and zoo shards in manifests and provenance.
 */
public final class FileDigest {

    private FileDigest() {}

    /**
     * Computes a file's SHA-256, streaming it.
     *
     * @param file the file
     * @return 64 lowercase hex digits
     * @throws IOException when reading fails
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Computes the SHA-256 of a file's first {@code length} bytes, streaming them (for a file that
     * grows by appends and commits a prefix, such as a zoo's metrics table).
     *
     * @param file the file
     * @param length how many leading bytes to hash
     * @return 64 lowercase hex digits
     * @throws MalformedFileException when the file is shorter than {@code length}
     * @throws IOException when reading fails
     */
    public static String sha256(Path file, long length) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[1 << 16];
        long left = length;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new MalformedFileException(file + " holds " + (length - left) + " bytes but " + length
                            + " were expected (truncated).");
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Checks a file against an expected SHA-256.
     *
     * @param file the file
     * @param expectedHex 64 hex digits, either case
     * @throws MalformedFileException when the checksum differs
     * @throws IOException when reading fails
     */
    public static void verifySha256(Path file, String expectedHex) throws IOException {
        String actual = sha256(file);
        if (!actual.equals(expectedHex.trim().toLowerCase(Locale.ROOT))) {
            throw new MalformedFileException(file + " has SHA-256 " + actual + " but " + expectedHex.trim()
                    + " was expected; the file is corrupt or a different version.");
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
