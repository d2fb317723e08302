package dev.orbit.zoo.format;

import java.util.List;

/**
 * The result of {@link ZooReader#verify()}.
 *
 * @param faults one line per fault (checksum, shape, missing or duplicated checkpoint, non-finite
 *     weights of a network not flagged diverged, metrics inconsistent with the shards); empty when
 *     the zoo is sound
 * @param notes harmless findings, e.g. files left by an interrupted write that readers ignore
 * @param rowsChecked checkpoints whose weights were read
 */
public record ZooVerification(List<String> faults, List<String> notes, int rowsChecked) {

    /** Copies the lists. */
    public ZooVerification {
        faults = List.copyOf(faults);
        notes = List.copyOf(notes);
    }

    /** @return true when no fault was found */
    public boolean ok() {
        return faults.isEmpty();
    }
}
