/**
 * A zoo stored as one state dict per network ({@code .safetensors} or {@code .npz}) with a
 * {@code labels.csv}, owned here: {@link dev.orbit.datasets.zoo.statedict.StateDictFile} reads one
 * file, {@link dev.orbit.datasets.zoo.statedict.StateDictLayout} maps its named tensors to canonical
 * order (also for {@code orbit predict}'s single weights files), and
 * {@link dev.orbit.datasets.zoo.statedict.StateDictFolderSource} reads the folder. Every weights
 * file a labels row names must lie inside the zoo folder.
 */
package dev.orbit.datasets.zoo.statedict;
