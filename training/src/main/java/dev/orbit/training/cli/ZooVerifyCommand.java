package dev.orbit.training.cli;

import dev.orbit.zoo.format.ZooFormatException;
import dev.orbit.zoo.format.ZooReader;
import dev.orbit.zoo.format.ZooVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code orbit zoo verify DIR}: checks every shard's SHA-256, header and shapes, that each network's
 * checkpoints are present exactly once, that weights are finite unless flagged diverged, and that
 * the metrics table agrees. Prints each fault on one line and exits 1 when there is any; a sound
 * zoo that does not yet hold all its networks exits 3, so scripts can tell "resume it" from "corrupt".
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a zoo's checksums, shapes, completeness and finiteness.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:sound and complete", "1:corrupt (each fault on one line)",
                "2:not a zoo folder, or a bad argument", "3:sound but incomplete (rerun zoo generate to finish it)"})
final class ZooVerifyCommand extends ZooSubcommand {

    /** Exit code when the zoo has faults. */
    static final int FAULTY = 1;
    /** Exit code when the zoo is sound but some planned networks are not committed yet. */
    static final int INCOMPLETE = 3;

    @Parameters(index = "0", paramLabel = "DIR", description = "The zoo folder.")
    Path dir;

    @Override
    int execute() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw userError(dir + " is not a folder.");
        }
        ZooVerification v;
        try (ZooReader zoo = ZooReader.open(dir)) {
            v = zoo.verify();
            for (String note : v.notes()) {
                err().println("note: " + oneLine(note));
            }
            for (String fault : v.faults()) {
                out().println("FAULT " + oneLine(fault));
            }
            if (v.ok() && v.complete()) {
                out().println("OK " + dir + ": " + v.rowsChecked() + " checkpoints in " + zoo.shardCount()
                        + " shards verified.");
            } else if (v.ok()) {
                out().println("INCOMPLETE " + dir + ": " + v.completeNetworks() + " of " + v.networks()
                        + " networks committed; " + v.rowsChecked() + " checkpoints verified.");
            } else {
                err().println(v.faults().size() + " faults in " + dir + ".");
            }
        } catch (ZooFormatException e) {
            if (e.reason() == ZooFormatException.Reason.NOT_A_ZOO) {
                throw e;
            }
            out().println("FAULT " + oneLine(e.getMessage())); // an unreadable manifest is a fault of the zoo
            return FAULTY;
        }
        out().flush();
        err().flush();
        return !v.ok() ? FAULTY : v.complete() ? 0 : INCOMPLETE;
    }
}
