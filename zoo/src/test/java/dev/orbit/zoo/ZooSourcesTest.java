package dev.orbit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one place that tells a zoo folder's format, by the file that marks each format. */
class ZooSourcesTest {

    @Test
    void detectsEachFormatByItsMarkerFileInOrderOfPrecedence(@TempDir Path dir) throws Exception {
        Path zoo = Files.createDirectories(dir.resolve("zoo"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ZooSources.detect(zoo));
        assertTrue(none.getMessage().contains("is not a zoo") && none.getMessage().contains("--format"), none.getMessage());
        Files.writeString(zoo.resolve("labels.csv"), "file,test_accuracy\n");
        assertEquals(ZooSources.Format.STATE_DICTS, ZooSources.detect(zoo));
        Files.write(zoo.resolve("weights.npy"), new byte[0]);
        assertEquals(ZooSources.Format.CNN_ZOO, ZooSources.detect(zoo));
        Files.writeString(zoo.resolve("manifest.json"), "{}");
        assertEquals(ZooSources.Format.ORBIT, ZooSources.detect(zoo));
        assertThrows(NoSuchFileException.class, () -> ZooSources.detect(dir.resolve("missing")));
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
                () -> ZooSources.detect(zoo.resolve("manifest.json")));
        assertTrue(file.getMessage().contains("is a file"), file.getMessage());
    }

    @Test
    void formatNamesParseInAnyCaseAndUnknownOnesListTheKnown() {
        assertEquals(ZooSources.Format.CNN_ZOO, ZooSources.Format.parse("CNN-Zoo"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZooSources.Format.parse("onnx"));
        assertTrue(e.getMessage().contains("orbit, cnn-zoo, state-dicts"), e.getMessage());
    }
}
