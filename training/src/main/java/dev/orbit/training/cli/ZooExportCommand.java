package dev.orbit.training.cli;

import dev.orbit.zoo.format.CnnZooExporter;
import dev.orbit.zoo.format.ZooReader;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orbit zoo export --format cnn-zoo DIR OUT}: writes a zoo in another layout. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a zoo: cnn-zoo writes weights.npy, layout.csv, metrics.csv.gz (Small CNN Zoo layout, read by NFN).")
final class ZooExportCommand extends ZooSubcommand {

    /** The layouts a zoo exports to. */
    enum Format {
        CNN_ZOO("cnn-zoo");

        final String id;

        Format(String id) {
            this.id = id;
        }
    }

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "cnn-zoo.")
    String format;

    @Option(names = "--keep-diverged", description = "Keep checkpoints with non-finite weights (NFN's loader rejects them).")
    boolean keepDiverged;

    @Option(names = "--split-seed", paramLabel = "S", description = "Seed of split.csv's row order (default: ${DEFAULT-VALUE}).")
    long splitSeed = 0;

    @Option(names = "--final-step", paramLabel = "N",
            description = "Write step N for each network's final checkpoint (86: NFN's loader keeps only step 86);"
                    + " default: step = epoch.")
    int finalStep = -1;

    @Parameters(index = "0", paramLabel = "DIR", description = "The zoo folder.")
    Path dir;

    @Parameters(index = "1", paramLabel = "OUT", description = "A new or empty folder for the export.")
    Path outDir;

    @Override
    int execute() throws Exception {
        if (!Format.CNN_ZOO.id.equalsIgnoreCase(format)) {
            throw userError("--format " + format + " is not supported; expected cnn-zoo");
        }
        try (ZooReader zoo = ZooReader.open(dir)) {
            CnnZooExporter.Summary s = CnnZooExporter.export(zoo, outDir,
                    new CnnZooExporter.Options(keepDiverged, splitSeed, finalStep));
            out().println("Exported " + s.rowsWritten() + " checkpoints x " + s.parameterCount() + " parameters to "
                    + outDir + (s.rowsSkipped() > 0 ? " (skipped " + s.rowsSkipped() + " with non-finite weights)" : "")
                    + ".");
        }
        return 0;
    }
}
