// The dataset contract (include/gcbench/README.md, "Datasets") as named rules,
// each checked on splits already loaded. `check-plugin` and `data verify` run
// every rule; the runner refuses data that breaks the rules its numbers rest on
// (loaded_data_problems), before anything trains.
#pragma once

#include <string>
#include <vector>

#include "data/check_result.hpp"
#include "data/loaded_data.hpp"
#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

// normalization() may differ from source_train's own channel statistics by at
// most this much: a mean by 0.02 (5 grey levels in 255), a standard deviation
// by 10% of its value. Published constants of the same images pass; another
// dataset's, or none at all (0.5, 0.5), do not.
inline constexpr double kNormalizationMeanTolerance = 0.02;
inline constexpr double kNormalizationStdRelativeTolerance = 0.10;

// At most this fraction of target images may be byte-identical to a
// source_train image (stray duplicates exist in real datasets; a target split
// cut from the source classes does not pass).
inline constexpr double kSharedImageTolerance = 0.01;

// dataset.splits-declared: splits() names source_train and source_test, each once.
CheckResult check_declared_splits(const LoadedData& data);
// dataset.image-shape and dataset.labels, for one split.
CheckResult check_image_shape(SplitRole role, const ImageSet& set, const ImageShape& shape);
CheckResult check_labels(SplitRole role, const ImageSet& set);
// dataset.source-test-classes: source_test's class_names are source_train's, in the same order.
CheckResult check_source_test_classes(const LoadedData& data);
// dataset.target-classes-new: no target class name is a source (or val) name, and
// (almost) no target image is a source_train image (names_only skips hashing every image).
enum class TargetComparison { names_only, names_and_images };
CheckResult check_target_classes(const LoadedData& data, TargetComparison comparison);
// dataset.val-classes-new: no val class is a source or target class (LoadedData holds no val split: the harness
// never loads it).
CheckResult check_val_classes(const ImageSet& val, const LoadedData& data);
// dataset.normalization: normalization() (data.stats) matches source_train's channel statistics.
CheckResult check_normalization(const LoadedData& data);

// Every rule above, in order.
std::vector<CheckResult> check_loaded_dataset(const LoadedData& data);

// The rules a run's numbers rest on (shapes, labels, declared splits, source_test's
// classes, target names), as one sentence each with its remedy; empty when they hold.
std::vector<std::string> loaded_data_problems(const LoadedData& data);

}  // namespace gcbench
