/**
 * Running trained networks on data, outside training: {@link dev.orbit.zoo.eval.NetworkRunner}
 * scores one network's test loss and accuracy and reads its hidden activations (for activation
 * matching); {@link dev.orbit.zoo.eval.InterpolationPath} scores the straight line between two
 * networks and its barrier.
 */
package dev.orbit.zoo.eval;
