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
 * the metrics table agrees. Prints each fault on one line and exits 1 when there is any.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a zoo's checksums, shapes, completeness and finiteness; exit 1 on any fault.")
final class ZooVerifyCommand extends ZooSubcommand {

    /** Exit code when the zoo has faults. */
    static final int FAULTY = 1;

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
            if (v.ok()) {
                out().println("OK " + dir + ": " + v.rowsChecked() + " checkpoints in " + zoo.shardCount()
                        + " shards verified.");
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
        return v.ok() ? 0 : FAULTY;
    }
}
