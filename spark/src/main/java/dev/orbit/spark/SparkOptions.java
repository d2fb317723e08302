package dev.orbit.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/**
 * Where a job runs: {@code --master} and {@code --conf} as spark-submit spells them. Without
 * {@code --master} the job runs where spark-submit sent it, or, started with {@code java -jar}, in
 * Spark's local mode inside this JVM on every core.
 */
final class SparkOptions {

    /** The master when neither {@code --master} nor spark-submit gives one. */
    static final String DEFAULT_MASTER = "local[*]";

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N] or local[N,retries] (in this JVM), spark://HOST:PORT, yarn, "
                    + "k8s://URL (default: spark-submit's, else " + DEFAULT_MASTER + ").")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit --conf.")
    List<String> conf = new ArrayList<>();

    /** Starts the Spark context of a job. */
    JavaSparkContext start(String appName) {
        SparkConf c = new SparkConf().setAppName(appName); // reads spark.* system properties (spark-submit's)
        if (master != null) {
            c.setMaster(master);
        } else if (!c.contains("spark.master")) {
            c.setMaster(DEFAULT_MASTER);
        }
        for (String setting : conf) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf " + setting + " is not KEY=VALUE");
            }
            c.set(setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
        }
        if (c.get("spark.master").startsWith("local")) {
            // Everything stays in this JVM: listen on loopback only, and no web UI unless asked for.
            c.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            c.setIfMissing("spark.driver.host", "127.0.0.1");
            c.setIfMissing("spark.ui.enabled", "false");
        }
        JavaSparkContext spark = new JavaSparkContext(c);
        spark.setLogLevel("WARN");
        return spark;
    }
}
