package dev.orbit.datasets.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestTest {

    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path dir;

    @Test
    void matchesTheFips180TestVectors() throws IOException {
        Path abc = Files.writeString(dir.resolve("abc"), "abc");
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals(ABC, FileDigest.sha256(abc));
        assertEquals(EMPTY, FileDigest.sha256(empty));
        Path abd = Files.writeString(dir.resolve("abd"), "abd");
        assertNotEquals(ABC, FileDigest.sha256(abd), "negative control: one changed byte");
    }

    @Test
    void verifyAcceptsEitherCaseAndRejectsAMismatch() throws IOException {
        Path abc = Files.writeString(dir.resolve("abc"), "abc");
        assertDoesNotThrow(() -> FileDigest.verifySha256(abc, ABC.toUpperCase()));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> FileDigest.verifySha256(abc, EMPTY));
        assertTrue(e.getMessage().contains(abc.toString()) && e.getMessage().contains(EMPTY), e.getMessage());
    }
}
