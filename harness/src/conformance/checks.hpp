// Conformance checks a plugin author runs before publishing (`gcbench
// check-plugin NAME`): each one a behaviour the plugin contract in the SDK
// headers promises, tried on the built plugin.
#pragma once

#include <vector>

#include "data/check_result.hpp"

namespace gcbench {

// Declared, not included: their headers (gcbench/sdk/gc_estimator.hpp,
// architecture.hpp, dataset.hpp) compile LibTorch's modules, and the CLI
// includes this one.
class GcEstimator;
class Architecture;
class Dataset;

// Against known answers: ||W||_F^2 on a linear embedding, the full Jacobian of
// a small random tanh network (within 3 standard errors for a stochastic
// estimator, over 8 seeds), the same value for the same seed, and, for a
// differentiable estimator, its gradient against central finite differences.
std::vector<CheckResult> check_gc_estimator(const GcEstimator& estimator);

// Output shapes for 1x28x28, 3x32x32 and 3x84x84 inputs, finite values,
// dimension() as returned, every parameter the forward pass uses registered
// (through autograd), a non-zero gradient at the input, each example's
// embedding independent of the rest of its batch in eval mode, train()/eval()
// reaching every submodule, and a checkpoint round trip.
std::vector<CheckResult> check_architecture(const Architecture& architecture);

// Loads source_train, source_test and every other declared split twice (the
// same digest both times), then checks the dataset rules of
// data/dataset_rules.hpp on them, and val's classes.
std::vector<CheckResult> check_dataset(const Dataset& dataset);

}  // namespace gcbench
