// A digest of the data a run saw, so two results can be told apart when their
// data differs (another CIFAR-100 download, a re-built mini-ImageNet, a changed
// file) even though their configs are equal.
#pragma once

#include <string>
#include <vector>

#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

// "sha256:<hex>" over each split in order: its images' shape and bytes, its
// labels and its class names. The same files, loaded by the same plugin with
// the same options, give the same digest on every machine.
std::string data_digest(const std::vector<const ImageSet*>& splits);

// Of what a run loads from `dataset`: source_train, source_test and, where the
// dataset has one, target; equal to the data_digest of its run records.
std::string data_digest(const Dataset& dataset);

}  // namespace gcbench
