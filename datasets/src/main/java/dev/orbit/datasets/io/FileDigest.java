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
