package dev.orbit.zoo.format;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test support: starts a main class of the test classpath in a separate JVM. */
final class ForkedJvm {

    private ForkedJvm() {}

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static ProcessBuilder builder(String maxHeap, Class<?> main, Path log, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (maxHeap != null) {
            command.add("-Xmx" + maxHeap);
        }
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(classPath());
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return pb;
    }

    static String run(String maxHeap, Class<?> main, String... args) throws IOException, InterruptedException {
        Process p = builder(maxHeap, main, null, args).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = p.waitFor();
        return code + "\n" + out;
    }

    static String pathSeparator() {
        return File.pathSeparator;
    }
}
