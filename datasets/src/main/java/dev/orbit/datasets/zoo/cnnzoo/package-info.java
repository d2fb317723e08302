/**
 * The Small CNN Zoo folder format (Unterthiner et al. 2020, the layout NFN's {@code ZooDataset}
 * reads), owned here: {@link dev.orbit.datasets.zoo.cnnzoo.CnnZooLayout} is {@code layout.csv} and
 * the exact conversion of a {@code weights.npy} row between TensorFlow order and canonical order,
 * and {@link dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource} is the one reader, for the published
 * zoos and Orbit's exports alike (its file names and {@code config.*} convention are its constants).
 *
 * <p>Orbit writes the format with {@code dev.orbit.zoo.format.CnnZooExporter}, which lives in the
 * zoo module because it reads Orbit's zoos and maps their checkpoints and recipes onto rows; it
 * takes the layout, the file names and CSV quoting from here. Every file is validated before
 * anything of the size it claims is allocated: layout indices against the weights file's real
 * columns, CSV rows against {@link dev.orbit.datasets.zoo.CsvRows#MAX_RECORD_CHARS}, metrics rows
 * against the weights file's row count.
 */
package dev.orbit.datasets.zoo.cnnzoo;
