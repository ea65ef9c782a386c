// A dataset's splits as a run uses them, loaded once and shared by the runs of
// a suite that use the same dataset settings.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

struct LoadedData {
  ImageShape shape;
  ChannelStats stats;
  ImageSet source_train;
  ImageSet source_test;
  std::optional<ImageSet> target;              // absent for source-only datasets (e.g. cifar10)
  std::filesystem::path root;                  // as resolved
  std::string digest;                          // data_digest of source_train, source_test and target
  std::map<std::string, std::string> sources;  // Dataset::data_sources(): which files, where the plugin chose
  std::vector<SplitRole> declared;             // splits(), as the plugin declares them

  bool declares(SplitRole role) const { return std::find(declared.begin(), declared.end(), role) != declared.end(); }
};

}  // namespace gcbench
