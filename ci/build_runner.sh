#!/usr/bin/env bash
# Sourced by the scripts that run suites: installs what is missing and builds
# the gcbench executable with the plugins the Fashion-MNIST suites use.
bash ci/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)" --target gcbench gcbench_architecture_conv4 gcbench_dataset_fashion_mnist \
  gcbench_gc_estimator_exact gcbench_gc_estimator_hutchinson
