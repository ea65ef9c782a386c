#include <ATen/core/Tensor.h>
#include <fmt/format.h>

#include <chrono>

#include "conformance/checks.hpp"
#include "data/data_digest.hpp"
#include "data/dataset_rules.hpp"
#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

namespace {

// dataset.same-data-every-load: a second load() of the split gives the same bytes, labels and names.
CheckResult check_repeatable(SplitRole role, const ImageSet& first, const ImageSet& second) {
  const auto a = data_digest({&first});
  const auto b = data_digest({&second});
  return {fmt::format("{}: a second load() returns the same images, labels and class names", to_string(role)), a == b,
          a == b ? fmt::format("both {}", a.substr(0, 23)) : fmt::format("first {}, then {}", a.substr(0, 23), b.substr(0, 23)),
          "dataset.same-data-every-load",
          "derive every choice in load() from the files and options alone (sort file lists, seed any shuffle from an "
          "option): runs and their data_digest assume the same data on every load"};
}

}  // namespace

std::vector<CheckResult> check_dataset(const Dataset& dataset) {
  std::vector<CheckResult> results;
  LoadedData data;
  data.shape = dataset.image_shape();
  data.declared = dataset.splits();

  // What the harness loads (source_train, source_test, target when declared), and val when declared.
  std::vector<SplitRole> roles{SplitRole::source_train, SplitRole::source_test};
  for (const auto role : {SplitRole::target, SplitRole::val}) {
    if (data.declares(role)) roles.push_back(role);
  }
  std::optional<ImageSet> val;
  bool all_loaded = true;
  for (const auto role : roles) {
    const std::string name = fmt::format("{}: load() returns the split", to_string(role));
    try {
      const auto start = std::chrono::steady_clock::now();
      ImageSet first = dataset.load(role);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      results.push_back({name,
                         true,
                         fmt::format("{} images in {:.2f} s", first.images.defined() ? first.images.size(0) : 0, seconds),
                         "dataset.loads",
                         {}});
      results.push_back(guarded(fmt::format("{}: a second load() returns the same data", to_string(role)),
                                "dataset.same-data-every-load",
                                [&] { return check_repeatable(role, first, dataset.load(role)); }));
      switch (role) {
        case SplitRole::source_train:
          data.source_train = std::move(first);
          break;
        case SplitRole::source_test:
          data.source_test = std::move(first);
          break;
        case SplitRole::target:
          data.target = std::move(first);
          break;
        case SplitRole::val:
          val = std::move(first);
          break;
      }
    } catch (const std::exception& error) {
      all_loaded = false;
      results.push_back({name, false, fmt::format("threw: {}", error.what()), "dataset.loads",
                         "make the split's files load, or leave the split out of splits() if the dataset has none "
                         "(source_train and source_test it must have)"});
    }
  }
  bool normalization_threw = false;
  try {
    data.stats = dataset.normalization();
  } catch (const std::exception& error) {
    normalization_threw = true;
    results.push_back({"normalization() returns", false, fmt::format("threw: {}", error.what()), "dataset.normalization",
                       "return gcbench::channel_stats(source_train.images)"});
  }
  if (!all_loaded) {
    results.push_back(check_declared_splits(data));
    return results;  // the other rules compare splits with each other
  }
  for (auto& check : check_loaded_dataset(data)) {
    if (!(normalization_threw && check.rule == "dataset.normalization")) results.push_back(std::move(check));
  }
  if (val) results.push_back(check_val_classes(*val, data));
  return results;
}

}  // namespace gcbench
