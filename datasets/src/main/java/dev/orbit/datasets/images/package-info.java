/**
 * The image classification data that zoo networks are trained on: Fashion-MNIST, MNIST and the UCI
 * 8×8 optical digits, loaded into {@link dev.orbit.datasets.images.ImageDataset}s with pixels scaled
 * to [-1, 1] as in the Small CNN Zoo (Unterthiner et al. 2020).
 *
 * <p>The door is {@link dev.orbit.datasets.images.ImageDatasets#load(String, java.nio.file.Path)};
 * {@link dev.orbit.datasets.images.IdxReader} reads the IDX files the MNIST family ships in.
 */
package dev.orbit.datasets.images;
