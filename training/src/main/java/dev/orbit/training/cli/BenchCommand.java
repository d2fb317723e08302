package dev.orbit.training.cli;

import java.util.concurrent.Callable;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orbit bench [regex]}: runs the JMH benchmarks packaged in orbit.jar. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run Orbit's JMH benchmarks (all, or those matching REGEX).")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "REGEX", description = "Benchmarks to run (default: all).")
    String include = ".*";

    @Option(names = "--forks", description = "JMH forks (default: ${DEFAULT-VALUE}).")
    int forks = 1;

    @Option(names = "--warmup", description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
    int warmup = 3;

    @Option(names = "--iterations", description = "Measured iterations (default: ${DEFAULT-VALUE}).")
    int iterations = 5;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write JMH's JSON results to FILE.")
    String json;

    @Override
    public Integer call() throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(forks)
                .warmupIterations(warmup)
                .measurementIterations(iterations)
                .jvmArgsAppend("-Dai.djl.offline=true", "-Dai.djl.default_engine=PyTorch");
        if (json != null) {
            options.resultFormat(ResultFormatType.JSON).result(json);
        }
        new Runner(options.build()).run();
        return 0;
    }
}
