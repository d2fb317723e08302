package dev.orbit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package rules of {@code package-info.java} in this package, checked on the main sources. */
class PackageStructureTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/orbit/training");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.orbit\\.training\\.(\\w+)\\.");

    /** Who may import whom, as package-info.java says; cli may use all. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "fit", Set.of("predict", "model", "metrics", "report"),
            "predict", Set.of("model"),
            "model", Set.of(),
            "metrics", Set.of(),
            "report", Set.of(),
            "bench", Set.of(),
            "align", Set.of("predict", "model", "report"),
            "generate", Set.of("fit", "model", "metrics", "report"));

    /**
     * Imports of cli that are being moved out on another branch (run provenance takes the build
     * information out of cli.OrbitVersion); remove an entry when its import is gone: the test says so.
     */
    private static final Set<String> MOVING = Set.of();

    @Test
    void everyPackageImportsOnlyWhatPackageInfoAllows() throws IOException {
        Map<String, Set<String>> graph = packageGraph(SOURCES);
        assertTrue(graph.keySet().containsAll(ALLOWED.keySet()), "packages found: " + graph.keySet());
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : graph.entrySet()) {
            if (e.getKey().equals("cli")) {
                continue;
            }
            Set<String> allowed = ALLOWED.get(e.getKey());
            assertTrue(allowed != null, "package " + e.getKey() + " is not in package-info.java's map");
            for (String used : e.getValue()) {
                if (!allowed.contains(used)) {
                    violations.add(e.getKey() + " -> " + used);
                }
            }
        }
        for (String moving : MOVING) {
            assertTrue(violations.remove(moving), "'" + moving + "' is gone: remove it from MOVING");
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void packagesFormNoCycle() throws IOException {
        Map<String, Set<String>> graph = packageGraph(SOURCES);
        for (String moving : MOVING) {
            String[] edge = moving.split(" -> ");
            graph.get(edge[0]).remove(edge[1]);
        }
        assertEquals(List.of(), cycle(graph));
    }

    @Test
    void cycleFinderFindsACycle() {
        // Negative control: fit -> predict -> fit, as it was before MetanetConfig moved to model.
        Map<String, Set<String>> graph = Map.of("fit", Set.of("predict"), "predict", Set.of("fit", "model"),
                "model", Set.of());
        assertEquals(List.of("fit", "predict", "fit"), cycle(graph));
    }

    /** Package -> the other training packages its sources name (imports or qualified names), comments left out. */
    private static Map<String, Set<String>> packageGraph(Path root) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file).getName(0).toString();
                if (root.relativize(file).getNameCount() == 1) {
                    continue; // the top-level package-info
                }
                Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(withoutComments(Files.readString(file)));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    private static String withoutComments(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    /** A cycle as a path that returns to its start, or an empty list. */
    private static List<String> cycle(Map<String, Set<String>> graph) {
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> path = new ArrayList<>(List.of(start));
            if (reachesStart(graph, start, path, new TreeSet<>())) {
                return path;
            }
        }
        return List.of();
    }

    private static boolean reachesStart(Map<String, Set<String>> graph, String start, List<String> path, Set<String> seen) {
        String last = path.get(path.size() - 1);
        for (String next : new TreeSet<>(graph.getOrDefault(last, Set.of()))) {
            path.add(next);
            if (next.equals(start) || (seen.add(next) && reachesStart(graph, start, path, seen))) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }
}
