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
 * @param networks the networks the manifest plans (ids 0 .. networks-1)
 * @param completeNetworks the networks whose checkpoints are all committed
 */
public record ZooVerification(List<String> faults, List<String> notes, int rowsChecked, int networks,
        int completeNetworks) {

    /** Copies the lists. */
    public ZooVerification {
        faults = List.copyOf(faults);
        notes = List.copyOf(notes);
    }

    /** @return true when no fault was found (an incomplete zoo can be sound: see {@link #complete()}) */
    public boolean ok() {
        return faults.isEmpty();
    }

    /** @return true when every planned network is committed */
    public boolean complete() {
        return completeNetworks == networks;
    }
}
