#include <ATen/ATen.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

#include "conformance/checks.hpp"

namespace gcbench {

std::vector<CheckResult> check_dataset(const Dataset& dataset) {
  std::vector<CheckResult> results;
  const auto shape = dataset.image_shape();
  std::map<std::string, std::set<std::string>> owners;  // class -> the splits it appears in
  for (const auto role : dataset.splits()) {
    const std::string name = fmt::format("{}: loads {}x{}x{} uint8 images, labels in range, no empty class", to_string(role),
                                         shape.channels, shape.height, shape.width);
    try {
      const auto start = std::chrono::steady_clock::now();
      const auto set = dataset.load(role);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const auto classes = static_cast<std::int64_t>(set.class_names.size());
      const bool shaped = set.images.dim() == 4 && set.images.scalar_type() == at::kByte &&
                          set.images.size(1) == shape.channels && set.images.size(2) == shape.height &&
                          set.images.size(3) == shape.width && set.labels.dim() == 1 &&
                          set.labels.size(0) == set.images.size(0) && set.labels.scalar_type() == at::kLong;
      const bool in_range = shaped && classes > 0 && set.labels.numel() > 0 && set.labels.min().item<std::int64_t>() >= 0 &&
                            set.labels.max().item<std::int64_t>() < classes;
      const auto counts = in_range ? at::bincount(set.labels, {}, classes) : at::zeros({1}, at::kLong);
      const bool no_empty = in_range && counts.min().item<std::int64_t>() > 0;
      results.push_back({name, shaped && in_range && no_empty,
                         fmt::format("{} images, {} classes, {}..{} per class ({:.2f} s)", set.images.size(0), classes,
                                     counts.min().item<std::int64_t>(), counts.max().item<std::int64_t>(), seconds)});
      // source_train and source_test share their classes by design.
      const std::string group = role == SplitRole::source_test ? "source_train" : std::string(to_string(role));
      for (const auto& class_name : set.class_names) owners[class_name].insert(group);
    } catch (const std::exception& error) {
      results.push_back({name, false, fmt::format("threw: {}", error.what())});
    }
  }
  std::vector<std::string> shared;
  for (const auto& [class_name, groups] : owners) {
    if (groups.size() > 1) shared.push_back(fmt::format("'{}' in {}", class_name, fmt::join(groups, " and ")));
  }
  results.push_back({"no class is in two splits (source, target, val)", shared.empty(),
                     shared.empty() ? fmt::format("{} classes", owners.size()) : fmt::format("{}", fmt::join(shared, "; "))});
  const std::string normalisation = "normalization(): a mean and a positive standard deviation per channel";
  try {
    const auto stats = dataset.normalization();
    bool ok = stats.mean.size() == static_cast<std::size_t>(shape.channels) && stats.stddev.size() == stats.mean.size();
    for (const double s : stats.stddev) ok = ok && s > 0;
    results.push_back({normalisation, ok,
                       fmt::format("mean [{:.4f}] std [{:.4f}]", fmt::join(stats.mean, ", "), fmt::join(stats.stddev, ", "))});
  } catch (const std::exception& error) {
    results.push_back({normalisation, false, fmt::format("threw: {}", error.what())});
  }
  return results;
}

}  // namespace gcbench
