package dev.orbit.datasets.zoo;

import dev.orbit.datasets.io.MalformedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The one CSV parser of the zoo folder formats ({@code layout.csv}, {@code metrics.csv.gz},
 * {@code labels.csv}, split files): streams the rows of a file with a header line (RFC 4180
 * quoting; {@code .gz} files are decompressed), so a metrics file of hundreds of thousands of rows
 * is never held whole, and no row may grow past {@link #MAX_RECORD_CHARS}.
 */
public final class CsvRows implements AutoCloseable {

    /**
     * The longest record (one row, quoted line breaks included) any zoo CSV may hold. The widest
     * legitimate row is a metrics row of a few dozen short numbers and names, or a labels row naming
     * one file (a path is at most a few KB): 1 Mi characters is hundreds of times that, yet it keeps a
     * hostile file (a 1 MB gzip that inflates to one 1 GiB line) to 2 MB of heap instead of gigabytes.
     */
    public static final int MAX_RECORD_CHARS = 1 << 20;

    private final Path file;
    private final Reader reader;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder record = new StringBuilder();
    private int position;
    private int limit;
    private String[] header;
    private long line;
    private long recordLine;

    private CsvRows(Path file, Reader reader) {
        this.file = file;
        this.reader = reader;
    }

    /** Opens a CSV file and reads its header; a missing file is reported by name. */
    public static CsvRows open(Path file) throws IOException {
        CsvRows csv = openHeaderless(file);
        try {
            String first = csv.nextRecord();
            if (first == null) {
                throw new MalformedFileException(file + " is empty; expected a CSV header line.");
            }
            if (first.startsWith("\uFEFF")) {
                first = first.substring(1);
            }
            csv.header = split(first, file, 1);
            return csv;
        } catch (IOException | RuntimeException e) {
            csv.close();
            throw e;
        }
    }

    private static CsvRows openHeaderless(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the CSV file does not exist");
        }
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            return new CsvRows(file, new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Reads a headerless file whose first column holds integers (NFN's split files). */
    public static int[] readIntColumn(Path file) throws IOException {
        int[] out = new int[1024];
        int n = 0;
        try (CsvRows csv = openHeaderless(file)) {
            for (String text = csv.nextRecord(); text != null; text = csv.nextRecord()) {
                String s = split(text, file, csv.recordLine)[0];
                try {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, 2 * n);
                    }
                    out[n++] = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new MalformedFileException(file + " line " + csv.recordLine + " holds '" + s
                            + "' but a row index (an integer) was expected.");
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Quotes a cell for writing when it holds a comma, quote or line break (RFC 4180). */
    public static String quote(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }

    /** @return the column names */
    public String[] header() {
        return header.clone();
    }

    /** Index of a column, or -1. */
    public int column(String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The next row (as many fields as the header), or null at the end of the file. */
    public String[] next() throws IOException {
        String text = nextRecord();
        if (text == null) {
            return null;
        }
        String[] fields = split(text, file, recordLine);
        if (fields.length != header.length) {
            throw new MalformedFileException(file + " line " + recordLine + " has " + fields.length
                    + " fields but the header has " + header.length + ".");
        }
        return fields;
    }

    /** The line on which the last row read starts, for messages. */
    public long line() {
        return recordLine;
    }

    /** @return the file read */
    public Path file() {
        return file;
    }

    /** The next non-blank record (a quoted field may span lines), without its line break, or null. */
    private String nextRecord() throws IOException {
        String text;
        do {
            text = readRecord();
        } while (text != null && text.isBlank());
        return text;
    }

    private String readRecord() throws IOException {
        record.setLength(0);
        recordLine = line + 1;
        boolean quoted = false;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = Math.max(0, reader.read(buffer, 0, buffer.length));
                position = 0;
                if (limit == 0) {
                    if (quoted) {
                        throw new MalformedFileException(file + " line " + recordLine
                                + " opens a quote that is never closed.");
                    }
                    if (any) {
                        line++;
                    }
                    return any ? record.toString() : null;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                if (buffer[position] == '"') {
                    quoted = !quoted;
                }
                position++;
            }
            record.append(buffer, start, position - start);
            if (record.length() > MAX_RECORD_CHARS) {
                throw new MalformedFileException(file + " line " + recordLine + " is longer than " + MAX_RECORD_CHARS
                        + " characters; no row of a zoo CSV file is that long.");
            }
            if (position < limit) {
                position++;
                line++;
                if (!quoted) {
                    return record.toString();
                }
                record.append('\n');
            }
        }
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
