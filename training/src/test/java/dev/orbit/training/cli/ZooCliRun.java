package dev.orbit.training.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Test support: runs {@code orbit ...} in this JVM and captures its exit code, stdout and stderr.
 *
 * @param code the exit code
 * @param out what went to stdout
 * @param err what went to stderr
 */
record ZooCliRun(int code, String out, String err) {

    static ZooCliRun orbit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new OrbitCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new ZooCliRun(code, out.toString(), err.toString());
    }

    /** Arguments of a tiny, fast MLP zoo on the bundled digits (seconds to train). */
    static String[] tinyZoo(String out, int networks, String... extra) {
        String[] base = {"zoo", "generate", "--dataset", "digits", "--arch", "mlp:8,10", "--networks",
            Integer.toString(networks), "--epochs", "2", "--checkpoints", "0,1,2", "--seed", "7", "--out", out,
            "--group-size", "4", "--train-pool", "160", "--eval-train", "32", "--eval-test", "64"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }
}
