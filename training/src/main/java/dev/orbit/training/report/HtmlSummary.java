package dev.orbit.training.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One-page HTML summary of a metanet training run: a title, key metrics, an optional results table
 * and the run's charts, each with a caption saying what it shows (and for which model).
 *
 * <p>The page is self-contained apart from the charts: styles are inline, there is no script and no
 * network resource. Charts are linked by paths relative to the page, so the page and its PNGs move
 * together as one folder. Every title, key, value, cell and path is HTML-escaped.
 *
 * <pre>{@code
 * HtmlSummary.builder()
 *         .setTitle("HNP metanet on CIFAR-10 zoo")
 *         .optMetrics(metrics)                       // LinkedHashMap: rows keep their order
 *         .optTable(List.of("epoch", "tau"), rows)
 *         .optFigures(List.of(new HtmlSummary.Figure(Path.of("scatter.png"), "nfn-hnp: predicted vs true")))
 *         .build()
 *         .write(runDir.resolve("index.html"));
 * }</pre>
 */
public final class HtmlSummary {

    private final String title;
    private final LinkedHashMap<String, String> metrics;
    private final List<String> columns;
    private final List<List<String>> rows;
    private final List<Figure> figures;

    private HtmlSummary(Builder builder) {
        this.title = builder.title;
        this.metrics = new LinkedHashMap<>(builder.metrics);
        this.columns = List.copyOf(builder.columns);
        this.rows = builder.rows.stream().map(List::copyOf).toList();
        this.figures = List.copyOf(builder.figures);
    }

    /**
     * A chart on the page.
     *
     * @param png the PNG, relative to the page's folder
     * @param caption what the chart shows, e.g. "nfn-hnp: predicted vs true test_accuracy, test split"
     */
    public record Figure(Path png, String caption) {}

    /** Starts a summary; only the title is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes the page as UTF-8, replacing an existing file and creating missing parent folders.
     *
     * @param html the page to write, typically {@code <run>/index.html}
     * @throws IOException if a linked image does not exist next to the page, or the page cannot be
     *     written; the message names the path
     */
    public void write(Path html) throws IOException {
        OutputFile.requireFilePath(html, "HTML summary");
        Path folder = html.toAbsolutePath().getParent();
        for (Figure figure : figures) {
            Path image = figure.png();
            Path resolved = folder.resolve(image);
            if (!Files.isRegularFile(resolved)) {
                throw new IOException("Cannot write HTML summary to " + html + ": image " + image
                        + " is not a file at " + resolved + " (images are linked relative to the page)");
            }
        }
        String page = render();
        try (OutputStream out = OutputFile.open(html, "HTML summary")) {
            try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                writer.write(page);
            } catch (IOException e) {
                throw OutputFile.failure(html, "HTML summary", e);
            }
        }
    }

    String render() {
        StringBuilder page = new StringBuilder(4096);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;}\n")
                .append("table{border-collapse:collapse;margin:1em 0;}\n")
                .append("th,td{border:1px solid #ccc;padding:.3em .7em;text-align:left;}\n")
                .append("th{background:#f3f3f3;}\n")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums;}\n")
                .append("figure{margin:1.5em 0;}\n")
                .append("img{max-width:100%;height:auto;display:block;}\n")
                .append("figcaption{margin-top:.4em;color:#333;}\n")
                .append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n");

        if (!metrics.isEmpty()) {
            page.append("<h2>Metrics</h2>\n<table class=\"metrics\">\n");
            for (Map.Entry<String, String> row : metrics.entrySet()) {
                page.append("<tr><th scope=\"row\">").append(escape(row.getKey())).append("</th>")
                        .append(cell(row.getValue())).append("</tr>\n");
            }
            page.append("</table>\n");
        }

        if (!columns.isEmpty()) {
            page.append("<h2>Results</h2>\n<table class=\"results\">\n<thead><tr>");
            for (String column : columns) {
                page.append("<th scope=\"col\">").append(escape(column)).append("</th>");
            }
            page.append("</tr></thead>\n<tbody>\n");
            for (List<String> row : rows) {
                page.append("<tr>");
                for (String value : row) {
                    page.append(cell(value));
                }
                page.append("</tr>\n");
            }
            page.append("</tbody>\n</table>\n");
        }

        if (!figures.isEmpty()) {
            page.append("<h2>Charts</h2>\n");
            for (Figure figure : figures) {
                page.append("<figure><img src=\"").append(escape(href(figure.png()))).append("\" alt=\"")
                        .append(escape(figure.caption())).append("\"><figcaption>").append(escape(figure.caption()))
                        .append("</figcaption></figure>\n");
            }
        }
        return page.append("</body>\n</html>\n").toString();
    }

    /** A value cell; numbers are right-aligned so columns of metrics line up. */
    private static String cell(String value) {
        boolean numeric = value.strip().matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?%?|NaN|[-+]?Infinity");
        return (numeric ? "<td class=\"num\">" : "<td>") + escape(value) + "</td>";
    }

    /** A relative URL for the image: '/' separators and percent-encoding (e.g. of spaces and '#'). */
    private static String href(Path image) {
        List<String> names = new ArrayList<>();
        for (Path name : image) {
            names.add(name.toString());
        }
        String path = String.join("/", names);
        try {
            return new URI(null, null, path, null).getRawPath();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Image path " + image + " cannot be linked from HTML: " + e.getReason(), e);
        }
    }

    /** Escapes the five characters with meaning in HTML text and quoted attributes. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Builder for {@link HtmlSummary}: {@code setTitle} is required, everything else optional. */
    public static final class Builder {

        private String title;
        private LinkedHashMap<String, String> metrics = new LinkedHashMap<>();
        private List<String> columns = List.of();
        private List<List<String>> rows = List.of();
        private List<Figure> figures = List.of();

        private Builder() {}

        /** Page title and heading; required, not blank. */
        public Builder setTitle(String title) {
            this.title = title;
            return this;
        }

        /** Key/value rows shown first, in the map's order (e.g. "test Kendall tau" to "0.812"). */
        public Builder optMetrics(LinkedHashMap<String, String> metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
            return this;
        }

        /**
         * A results table; every row must have one cell per column.
         *
         * @param columns column headings
         * @param rows table body, one list of cells per row
         */
        public Builder optTable(List<String> columns, List<List<String>> rows) {
            this.columns = Objects.requireNonNull(columns, "table columns must not be null");
            this.rows = Objects.requireNonNull(rows, "table rows must not be null");
            return this;
        }

        /** Charts to show, in order, each a PNG relative to the folder of the HTML page with its caption. */
        public Builder optFigures(List<Figure> figures) {
            this.figures = Objects.requireNonNull(figures, "figures must not be null");
            return this;
        }

        /**
         * Checks the summary and freezes it.
         *
         * @throws IllegalArgumentException if the title is missing, a value is null, a table row has
         *     the wrong number of cells, or an image path is absolute or leaves the page's folder
         */
        public HtmlSummary build() {
            if (title == null || title.isBlank()) {
                throw new IllegalArgumentException("HtmlSummary needs a title: call setTitle(...) with a non-blank value");
            }
            metrics.forEach((key, value) -> {
                if (key == null || value == null) {
                    throw new IllegalArgumentException("Metric row '" + key + "' has a null key or value");
                }
            });
            if (columns.isEmpty() && !rows.isEmpty()) {
                throw new IllegalArgumentException("Table has " + rows.size() + " rows but no columns");
            }
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c) == null) {
                    throw new IllegalArgumentException("Table column " + c + " has a null name");
                }
            }
            for (int r = 0; r < rows.size(); r++) {
                List<String> row = rows.get(r);
                if (row == null || row.size() != columns.size()) {
                    throw new IllegalArgumentException("Table row " + r + " has "
                            + (row == null ? "no list" : row.size() + " cells") + " but the table has "
                            + columns.size() + " columns " + columns);
                }
                if (row.stream().anyMatch(Objects::isNull)) {
                    throw new IllegalArgumentException("Table row " + r + " has a null cell: " + row);
                }
            }
            List<Figure> normalized = new ArrayList<>();
            for (Figure figure : figures) {
                Path image = figure == null ? null : figure.png();
                Path relative = image == null ? null : image.normalize();
                if (relative == null || image.isAbsolute() || relative.toString().isEmpty()
                        || relative.startsWith("..")) {
                    throw new IllegalArgumentException("Image " + image + " must be a relative path inside the "
                            + "page's folder, such as charts/scatter.png");
                }
                if (figure.caption() == null || figure.caption().isBlank()) {
                    throw new IllegalArgumentException("Chart " + image + " needs a caption saying what it shows");
                }
                normalized.add(new Figure(relative, figure.caption()));
            }
            figures = normalized;
            return new HtmlSummary(this);
        }
    }
}
