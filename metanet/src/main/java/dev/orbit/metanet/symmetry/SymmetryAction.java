package dev.orbit.metanet.symmetry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;

/**
 * An element g of a parameter-space symmetry group acting on weight-space features (docs/DESIGN.md §1).
 *
 * <p>Raw parameters are features with one channel ({@link WeightSpaceFeatures#fromParameters}), so
 * the same action moves a network's parameters and a metanet's feature maps.
 */
public interface SymmetryAction {

    /** g·θ. */
    WeightSpaceFeatures apply(WeightSpaceFeatures features);

    /** g⁻¹, so that {@code inverse().apply(apply(θ)) == θ}. */
    SymmetryAction inverse();

    /** The action "this, then {@code next}". */
    default SymmetryAction then(SymmetryAction next) {
        SymmetryAction first = this;
        return new SymmetryAction() {
            @Override
            public WeightSpaceFeatures apply(WeightSpaceFeatures features) {
                return next.apply(first.apply(features));
            }

            @Override
            public SymmetryAction inverse() {
                return next.inverse().then(first.inverse());
            }
        };
    }

    /** g·θ for one network's flat canonical weights (through {@link #apply}); a new array. */
    default float[] applyToFlat(NetworkSpec spec, float[] flat) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray row = manager.create(flat, new Shape(1, flat.length)); // (1, P)
            return apply(WeightSpaceFeatures.fromFlat(spec, row)).toFlat(spec).toFloatArray();
        }
    }
}
