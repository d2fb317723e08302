package dev.orbit.metanet.symmetry;

import java.util.Arrays;

/**
 * The exact linear assignment problem on a square matrix: the permutation σ that minimises
 * Σ_i cost[i][σ(i)] (or maximises a score). Solved by shortest augmenting paths with dual
 * potentials (the Hungarian method in the form Jonker and Volgenant made fast), O(n³) time and
 * O(n) memory besides the matrix; exact for every finite input, ties broken towards lower columns.
 *
 * <p>No Maven library Orbit may depend on offers an exact assignment solver (Commons Math has none),
 * so this one is tested against brute force over all permutations of small matrices.
 */
public final class LinearAssignment {

    private LinearAssignment() {}

    /**
     * The assignment of least total cost.
     *
     * @param cost an n x n matrix of finite values
     * @return {@code result[i]} = the column row i is assigned to; a permutation of 0..n-1
     * @throws IllegalArgumentException when the matrix is not square or holds a non-finite value
     */
    public static int[] minimize(double[][] cost) {
        int n = cost.length;
        for (int i = 0; i < n; i++) {
            if (cost[i].length != n) {
                throw new IllegalArgumentException("The cost matrix must be square: row " + i + " has "
                        + cost[i].length + " entries, the matrix " + n + " rows");
            }
            for (double c : cost[i]) {
                if (!Double.isFinite(c)) {
                    throw new IllegalArgumentException("The cost matrix holds " + c + " in row " + i);
                }
            }
        }
        // Rows and columns are 1-based below; column 0 is the virtual start of each augmenting path.
        double[] u = new double[n + 1]; // row potentials
        double[] v = new double[n + 1]; // column potentials
        int[] rowOfColumn = new int[n + 1]; // 0 = the column is free
        int[] previous = new int[n + 1]; // the column before this one on the shortest path
        double[] shortest = new double[n + 1];
        boolean[] reached = new boolean[n + 1];
        for (int row = 1; row <= n; row++) {
            rowOfColumn[0] = row;
            int column = 0;
            Arrays.fill(shortest, Double.POSITIVE_INFINITY);
            Arrays.fill(reached, false);
            // Dijkstra on reduced costs c[i][j] - u[i] - v[j] >= 0 until a free column is reached.
            do {
                reached[column] = true;
                int i = rowOfColumn[column];
                double delta = Double.POSITIVE_INFINITY;
                int next = -1;
                for (int j = 1; j <= n; j++) {
                    if (reached[j]) {
                        continue;
                    }
                    double reduced = cost[i - 1][j - 1] - u[i] - v[j];
                    if (reduced < shortest[j]) {
                        shortest[j] = reduced;
                        previous[j] = column;
                    }
                    if (shortest[j] < delta) {
                        delta = shortest[j];
                        next = j;
                    }
                }
                // Keep reduced costs non-negative and tight along the tree of reached columns.
                for (int j = 0; j <= n; j++) {
                    if (reached[j]) {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    } else {
                        shortest[j] -= delta;
                    }
                }
                column = next;
            } while (rowOfColumn[column] != 0);
            // Augment: shift the assignment back along the path.
            do {
                int before = previous[column];
                rowOfColumn[column] = rowOfColumn[before];
                column = before;
            } while (column != 0);
        }
        int[] assignment = new int[n];
        for (int j = 1; j <= n; j++) {
            assignment[rowOfColumn[j] - 1] = j - 1;
        }
        return assignment;
    }

    /**
     * The assignment of greatest total score.
     *
     * @param score an n x n matrix of finite values
     * @return {@code result[i]} = the column row i is assigned to
     */
    public static int[] maximize(double[][] score) {
        double[][] negated = new double[score.length][];
        for (int i = 0; i < score.length; i++) {
            negated[i] = new double[score[i].length];
            for (int j = 0; j < score[i].length; j++) {
                negated[i][j] = -score[i][j];
            }
        }
        return minimize(negated);
    }

    /** Σ_i matrix[i][assignment[i]]. */
    public static double total(double[][] matrix, int[] assignment) {
        double sum = 0;
        for (int i = 0; i < assignment.length; i++) {
            sum += matrix[i][assignment[i]];
        }
        return sum;
    }
}
