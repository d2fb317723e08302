package dev.orbit.training.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.orbit.datasets.io.DjlEncoding;
import dev.orbit.datasets.io.MalformedFileException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A metanet's DJL parameter files (checkpoints, the saved model): loaded only when the file has the
 * layout the block itself writes, so that a truncated, corrupt or hostile file is one line naming
 * it instead of an {@code EOFException} or an allocation of whatever its header claims
 * ({@link DjlEncoding#requireStructureOf}).
 */
public final class ParameterFiles {

    /** Room for the header {@code Model.save} writes before the parameters (name, inputs, properties). */
    private static final int MAX_MODEL_HEADER = 64 * 1024;

    private ParameterFiles() {}

    /** Writes an initialised block's parameters ({@code block.saveParameters}). */
    public static void save(Block block, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            block.saveParameters(out);
        }
    }

    /**
     * Loads parameters into an initialised block from a file written for the same block.
     *
     * @param modelFile true for a file of {@code Model.save} (a model header before the parameters),
     *     false for one of {@code block.saveParameters}
     * @param what what the file should hold, for messages
     * @throws MalformedFileException when the file does not have the block's layout
     */
    public static void load(Block block, NDManager manager, Path file, boolean modelFile, String what)
            throws IOException {
        try (DataInputStream in = openChecked(file, encode(block), modelFile, what)) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new MalformedFileException(file + " does not hold " + what + " (" + e.getMessage() + ").", e);
        }
    }

    /**
     * The file's encoding, from where the block's (or optimiser's) arrays start, once checked
     * against {@code template}, the bytes Orbit itself writes for the same block: the size first,
     * before anything is read, then the layout ({@link DjlEncoding#requireStructureOf}).
     *
     * @param modelFile true when a {@code Model.save} header comes first
     */
    public static DataInputStream openChecked(Path file, byte[] template, boolean modelFile, String what)
            throws IOException {
        long size = Files.size(file);
        if (size < template.length || size > template.length + (modelFile ? MAX_MODEL_HEADER : 0)) {
            throw new MalformedFileException(file + " is " + size + " bytes; expected " + template.length
                    + (modelFile ? " and a model header" : "") + " for " + what
                    + " (truncated, or written for another model).");
        }
        byte[] bytes = Files.readAllBytes(file);
        int offset = modelFile ? DjlEncoding.modelHeaderLength(bytes, file.toString()) : 0;
        DjlEncoding.requireStructureOf(bytes, offset, template, file.toString(), what);
        return new DataInputStream(new ByteArrayInputStream(bytes, offset, bytes.length - offset));
    }

    /** The bytes {@code block.saveParameters} writes: the layout a file for this block must have. */
    private static byte[] encode(Block block) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory only
        }
        return bytes.toByteArray();
    }
}
