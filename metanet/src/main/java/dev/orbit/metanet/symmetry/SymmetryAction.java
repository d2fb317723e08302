package dev.orbit.metanet.symmetry;

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
}
