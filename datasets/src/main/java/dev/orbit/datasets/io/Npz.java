package dev.orbit.datasets.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip of {@code <name>.npy} entries, stored (as
 * {@code numpy.savez} writes) or deflated (as {@code numpy.savez_compressed} writes).
 *
 * <p>Each entry is checked like a {@link Npy} file against the size the zip's central directory
 * records, and read with a buffer that grows only as bytes arrive.
 */
public final class Npz {

    private static final String SUFFIX = ".npy";

    private Npz() {}

    /**
     * Reads every array of an archive.
     *
     * @param file the archive
     * @return array name (the entry name without {@code .npy}) to array, in archive order
     * @throws MalformedFileException when the file is not a zip of valid .npy entries
     * @throws IOException when reading fails
     */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        return read(file, Long.MAX_VALUE);
    }

    /**
     * Reads every array of an archive whose arrays may hold at most {@code maxDataBytes} together.
     * Compressed zeros inflate a thousandfold, so a small archive can declare gigabytes of valid data;
     * each entry's declared size is checked against what is left of the budget before it is inflated.
     *
     * @param file the archive
     * @param maxDataBytes the most array data the caller accepts from this file, e.g. what its
     *     architecture's parameters take at the widest dtype
     * @return array name (the entry name without {@code .npy}) to array, in archive order
     * @throws MalformedFileException when the file is not a zip of valid .npy entries, holds more than
     *     {@link Shapes#MAX_TENSORS} entries, or declares more data than {@code maxDataBytes}
     * @throws IOException when reading fails
     */
    public static Map<String, NpyArray> read(Path file, long maxDataBytes) throws IOException {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new MalformedFileException(file + " is not a valid .npz (zip) archive (" + e.getMessage() + ").", e);
        }
        try (zip) {
            if (zip.size() > Shapes.MAX_TENSORS) {
                throw new MalformedFileException(file + " holds " + zip.size() + " entries, more than the "
                        + Shapes.MAX_TENSORS + " arrays any network's state dict holds.");
            }
            long budget = maxDataBytes;
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                if (!entry.getName().endsWith(SUFFIX)) {
                    throw new MalformedFileException(file + " holds entry '" + entry.getName()
                            + "' but a .npz archive should hold only .npy entries.");
                }
                String name = entry.getName().substring(0, entry.getName().length() - SUFFIX.length());
                String source = file + "!" + entry.getName();
                try (InputStream in = zip.getInputStream(entry)) {
                    NpyArray array = Npy.read(in, source, entry.getSize(), budget);
                    budget -= array.size() * array.dtype().byteSize();
                    if (out.put(name, array) != null) {
                        throw new MalformedFileException(file + " holds two entries named '" + entry.getName() + "'.");
                    }
                } catch (ZipException e) {
                    throw new MalformedFileException(source + " is corrupt (" + e.getMessage() + ").", e);
                }
            }
        }
        return out;
    }

    /**
     * Writes arrays as a stored (uncompressed) archive, like {@code numpy.savez}.
     *
     * @param file the destination, replaced
     * @param arrays name to array; each becomes entry {@code <name>.npy}
     * @throws IOException when writing fails
     */
    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        write(file, arrays, false);
    }

    /**
     * Writes arrays as an archive.
     *
     * @param file the destination, replaced
     * @param arrays name to array; each becomes entry {@code <name>.npy}
     * @param compressed deflate entries (like {@code numpy.savez_compressed}) or store them
     * @throws IOException when writing fails
     */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        try (OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(file));
                ZipOutputStream zip = new ZipOutputStream(fileOut)) {
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                Npy.write(bytes, e.getValue());
                byte[] content = bytes.toByteArray();
                ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A stored entry must declare its size and CRC up front.
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(content.length);
                    entry.setCompressedSize(content.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        }
    }
}
