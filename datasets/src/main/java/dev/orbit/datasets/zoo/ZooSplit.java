package dev.orbit.datasets.zoo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A train / validation / test split of a zoo as explicit lists of source rows, so a split is data:
 * saved with a run, compared across runs, and reproduced exactly.
 *
 * @param train rows the metanet is fitted on (and normalisation statistics computed from)
 * @param validation rows for early stopping and model selection
 * @param test held-out rows for the reported metrics
 */
public record ZooSplit(int[] train, int[] validation, int[] test) {

    private static final Gson GSON = new GsonBuilder().create();

    /** Copies the lists and checks that no row is in two of them. */
    public ZooSplit {
        train = train.clone();
        validation = validation.clone();
        test = test.clone();
        Map<Integer, String> seen = new HashMap<>();
        check(train, "train", seen);
        check(validation, "validation", seen);
        check(test, "test", seen);
    }

    private static void check(int[] rows, String name, Map<Integer, String> seen) {
        for (int r : rows) {
            if (r < 0) {
                throw new IllegalArgumentException("Split " + name + " holds negative row " + r);
            }
            String before = seen.put(r, name);
            if (before != null) {
                throw new IllegalArgumentException("Row " + r + " is in both the " + before + " and the " + name + " split");
            }
        }
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] validation() {
        return validation.clone();
    }

    @Override
    public int[] test() {
        return test.clone();
    }

    /**
     * A seeded random split of rows 0..n-1: the first {@code testFraction} of a shuffled order is
     * test, the next {@code validationFraction} validation, the rest train.
     */
    public static ZooSplit random(int n, double validationFraction, double testFraction, long seed) {
        checkFractions(validationFraction, testFraction);
        int[] order = identity(n);
        shuffle(order, new SplittableRandom(seed));
        int nTest = (int) Math.round(testFraction * n);
        int nVal = (int) Math.round(validationFraction * n);
        return new ZooSplit(Arrays.copyOfRange(order, nTest + nVal, n), Arrays.copyOfRange(order, nTest, nTest + nVal),
                Arrays.copyOfRange(order, 0, nTest));
    }

    /**
     * A split by hyperparameter group ({@link ModelZooSource#group}): every group lies wholly in one
     * split, so networks that differ only by seed never straddle train and test. Groups are taken
     * in a seeded random order and filled into test, then validation, until each holds its fraction
     * of the networks; the rest is train.
     */
    public static ZooSplit byGroup(ModelZooSource source, double validationFraction, double testFraction, long seed) {
        checkFractions(validationFraction, testFraction);
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < source.size(); r++) {
            groups.computeIfAbsent(source.group(r), k -> new ArrayList<>()).add(r);
        }
        if (groups.size() < 3) {
            throw new IllegalArgumentException(source.describe() + " has " + groups.size()
                    + " hyperparameter groups; a split by group needs at least 3.");
        }
        List<List<Integer>> order = new ArrayList<>(groups.values());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            List<Integer> t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        int n = source.size();
        long wantTest = Math.round(testFraction * n);
        long wantVal = Math.round(validationFraction * n);
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int g = 0; g < order.size(); g++) {
            List<Integer> rows = order.get(g);
            int groupsLeft = order.size() - g;
            if (test.size() < wantTest && groupsLeft > 2) {
                test.addAll(rows);
            } else if (val.size() < wantVal && groupsLeft > 1) {
                val.addAll(rows);
            } else {
                train.addAll(rows);
            }
        }
        return new ZooSplit(toArray(train), toArray(val), toArray(test));
    }

    /**
     * NFN's split of the Small CNN Zoo (Zhou et al. 2023, {@code experiments/data_utils.py}), so its
     * published splits reproduce exactly: reorder all checkpoint rows by the split file, keep those
     * of the chosen step (in that order), take the second half as test, and shuffle the first half
     * with Python's {@code random.Random(0)} to split it 80/20 into train and validation.
     *
     * @param splitOrder the split file: file rows of every checkpoint, in NFN's hard-coded order
     * @param keptFileRows the file row of each source row (only rows of the chosen step)
     * @return a split in source rows
     */
    public static ZooSplit nfn(int[] splitOrder, int[] keptFileRows) {
        int maxFileRow = 0;
        for (int r : keptFileRows) {
            maxFileRow = Math.max(maxFileRow, r);
        }
        int[] sourceRowOfFileRow = new int[maxFileRow + 1];
        Arrays.fill(sourceRowOfFileRow, -1);
        for (int s = 0; s < keptFileRows.length; s++) {
            sourceRowOfFileRow[keptFileRows[s]] = s;
        }
        int[] ordered = new int[keptFileRows.length];
        int n = 0;
        boolean[] used = new boolean[keptFileRows.length];
        for (int fileRow : splitOrder) {
            if (fileRow < 0) {
                throw new IllegalArgumentException("The split order holds a negative row " + fileRow);
            }
            if (fileRow <= maxFileRow && sourceRowOfFileRow[fileRow] >= 0) {
                int s = sourceRowOfFileRow[fileRow];
                if (used[s]) {
                    throw new IllegalArgumentException("The split order lists row " + fileRow + " twice");
                }
                used[s] = true;
                ordered[n++] = s;
            }
        }
        if (n != keptFileRows.length) {
            throw new IllegalArgumentException("The split order covers " + n + " of the zoo's " + keptFileRows.length
                    + " networks; it must list every checkpoint row of the zoo.");
        }
        int testStart = (int) (0.5 * n);
        int[] test = Arrays.copyOfRange(ordered, testStart, n);
        int[] trainVal = identity(testStart);
        new PythonRandom(0).shuffle(trainVal);
        int valStart = (int) (0.8 * trainVal.length);
        int[] train = new int[valStart];
        int[] val = new int[trainVal.length - valStart];
        for (int i = 0; i < trainVal.length; i++) {
            if (i < valStart) {
                train[i] = ordered[trainVal[i]];
            } else {
                val[i - valStart] = ordered[trainVal[i]];
            }
        }
        return new ZooSplit(train, val, test);
    }

    /**
     * This split with only {@code n} training networks, a seeded random subset (validation and test
     * unchanged): for learning curves over the training-set size against one fixed test split.
     */
    public ZooSplit withTrainingSubset(int n, long seed) {
        if (n < 1 || n > train.length) {
            throw new IllegalArgumentException("A training subset needs 1 to " + train.length + " networks, got " + n);
        }
        int[] order = train.clone();
        shuffle(order, new SplittableRandom(seed));
        return new ZooSplit(Arrays.copyOf(order, n), validation, test);
    }

    /** Reads a headerless split file of row indices, one per line. */
    public static int[] readOrder(Path splitCsv) throws IOException {
        return CsvRows.readIntColumn(splitCsv);
    }

    /** Checks every row is below {@code size}. */
    public ZooSplit requireWithin(int size, String what) {
        for (int[] rows : List.of(train, validation, test)) {
            for (int r : rows) {
                if (r >= size) {
                    throw new IllegalArgumentException("The split names row " + r + " but " + what + " has " + size + " networks.");
                }
            }
        }
        return this;
    }

    /** JSON form {@code {"train":[...],"validation":[...],"test":[...]}}. */
    public String toJson() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("train", train);
        m.put("validation", validation);
        m.put("test", test);
        return GSON.toJson(m);
    }

    /** Parses {@link #toJson()}. */
    public static ZooSplit fromJson(String json) {
        Json j = GSON.fromJson(json, Json.class);
        if (j == null || j.train == null || j.validation == null || j.test == null) {
            throw new IllegalArgumentException("Not a split JSON: expected train, validation and test lists");
        }
        return new ZooSplit(j.train, j.validation, j.test);
    }

    /** Writes {@link #toJson()}. */
    public void write(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /** Reads a file written by {@link #write}. */
    public static ZooSplit read(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZooSplit s && Arrays.equals(train, s.train) && Arrays.equals(validation, s.validation)
                && Arrays.equals(test, s.test);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(train) + Arrays.hashCode(validation)) + Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return "ZooSplit[train=" + train.length + ", validation=" + validation.length + ", test=" + test.length + "]";
    }

    private static final class Json {
        int[] train;
        int[] validation;
        int[] test;
    }

    private static void checkFractions(double validationFraction, double testFraction) {
        if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1)) {
            throw new IllegalArgumentException("Validation and test fractions must be non-negative and sum below 1, got "
                    + validationFraction + " and " + testFraction);
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
