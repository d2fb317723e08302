/**
 * Using a fitted metanet: {@link dev.orbit.training.predict.TrainedMetanet} loads the model of a run
 * folder (DJL parameters, spec, normalisation statistics, provenance) and predicts the target of any
 * network of the zoo's architecture; {@link dev.orbit.training.predict.WeightsFile} reads one network
 * from a {@code .safetensors}, {@code .npz} or DJL {@code .params} file and names the first layer
 * that does not fit.
 */
package dev.orbit.training.predict;
