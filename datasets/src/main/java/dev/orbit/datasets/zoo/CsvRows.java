package dev.orbit.datasets.zoo;

import dev.orbit.datasets.io.MalformedFileException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Streams the rows of a CSV file with a header line (RFC 4180 quoting; {@code .gz} files are
 * decompressed), so a metrics file of hundreds of thousands of rows is never held whole.
 */
final class CsvRows implements AutoCloseable {

    private final Path file;
    private final BufferedReader reader;
    private final String[] header;
    private long line = 1;

    private CsvRows(Path file, BufferedReader reader, String[] header) {
        this.file = file;
        this.reader = reader;
        this.header = header;
    }

    /** Opens a CSV file and reads its header; a missing file is reported by name. */
    static CsvRows open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the CSV file does not exist");
        }
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            String first = reader.readLine();
            if (first == null) {
                throw new MalformedFileException(file + " is empty; expected a CSV header line.");
            }
            if (first.startsWith("\uFEFF")) {
                first = first.substring(1);
            }
            return new CsvRows(file, reader, split(first, file, 1));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Reads a headerless single-column file of integers (NFN's split files). */
    static int[] readIntColumn(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the split file does not exist");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int[] out = new int[lines.size()];
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).trim();
            if (s.isEmpty()) {
                continue;
            }
            try {
                out[n++] = Integer.parseInt(s.split(",")[0].trim());
            } catch (NumberFormatException e) {
                throw new MalformedFileException(file + " line " + (i + 1) + " holds '" + s
                        + "' but a row index (an integer) was expected.");
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    String[] header() {
        return header.clone();
    }

    /** Index of a column, or -1. */
    int column(String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The next row (as many fields as the header), or null at the end of the file. */
    String[] next() throws IOException {
        String text = reader.readLine();
        line++;
        while (text != null && text.isBlank()) {
            text = reader.readLine();
            line++;
        }
        if (text == null) {
            return null;
        }
        // A quoted field may span lines.
        while (unbalancedQuotes(text)) {
            String more = reader.readLine();
            if (more == null) {
                throw new MalformedFileException(file + " line " + line + " opens a quote that is never closed.");
            }
            text = text + "\n" + more;
            line++;
        }
        String[] fields = split(text, file, line);
        if (fields.length != header.length) {
            throw new MalformedFileException(file + " line " + line + " has " + fields.length
                    + " fields but the header has " + header.length + ".");
        }
        return fields;
    }

    /** Current line number, for messages. */
    long line() {
        return line;
    }

    Path file() {
        return file;
    }

    private static boolean unbalancedQuotes(String s) {
        int quotes = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '"') {
                quotes++;
            }
        }
        return quotes % 2 != 0;
    }

    private static String[] split(String text, Path file, long line) throws MalformedFileException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString().trim());
                field.setLength(0);
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (quoted) {
            throw new MalformedFileException(file + " line " + line + " opens a quote that is never closed.");
        }
        fields.add(field.toString().trim());
        return fields.toArray(new String[0]);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
