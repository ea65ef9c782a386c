// image_folder: a dataset of one folder per class, each holding PNG or JPEG
// files, the layout most people's own images already have:
//
//   ROOT/cat/0001.png  ROOT/cat/0002.jpg  ...  ROOT/dog/...  ROOT/newt/...
//
// The classes named in `target_classes` are the novel classes few-shot transfer
// is measured on; every other folder is a source class. Of each source class,
// the last `test_per_class` files (by name) are source_test, the rest source_train.
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>

#include "image_files.hpp"

namespace {
namespace fs = std::filesystem;

// The class folders under `root`, sorted by name, each with its image files sorted by name:
// the same order on every machine and every load.
std::vector<std::pair<std::string, std::vector<fs::path>>> class_folders(const fs::path& root) {
  if (root.empty() || !fs::is_directory(root)) {
    throw std::runtime_error("image_folder: no folder at '" + root.string() +
                             "'; set dataset.root to a folder holding one sub-folder of PNG or JPEG files per class");
  }
  std::vector<std::pair<std::string, std::vector<fs::path>>> classes;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory() || entry.path().filename().string().front() == '.') continue;
    std::vector<fs::path> files;
    for (const auto& file : fs::directory_iterator(entry.path())) {
      if (file.is_regular_file() && image_folder::is_image_file(file.path())) files.push_back(file.path());
    }
    std::sort(files.begin(), files.end());
    classes.emplace_back(entry.path().filename().string(), std::move(files));
  }
  std::sort(classes.begin(), classes.end());
  return classes;
}

// Checked by `gcbench validate` before anything loads, and by the constructor.
std::vector<std::string> option_problems(const gcbench::Options& options) {
  const auto channels = options.get<std::int64_t>("channels");
  if (channels != 1 && channels != 3) return {"channels = " + std::to_string(channels) + ": use 1 (grey) or 3 (RGB)"};
  return {};
}

class ImageFolder : public gcbench::Dataset {
 public:
  ImageFolder(const fs::path& root, const gcbench::Options& options)
      : root_(root),
        size_(options.get<std::int64_t>("size")),
        channels_(options.get<std::int64_t>("channels")),
        test_per_class_(options.get<std::int64_t>("test_per_class")) {
    if (const auto problems = option_problems(options); !problems.empty())
      throw std::invalid_argument("image_folder: " + problems.front());
    const auto& target = options.get<std::vector<std::string>>("target_classes");
    const std::set<std::string> wanted(target.begin(), target.end());
    std::set<std::string> found;
    for (auto& [name, files] : class_folders(root_)) {
      if (files.empty())
        throw std::runtime_error("image_folder: class folder '" + (root_ / name).string() + "' has no .png or .jpg files");
      found.insert(name);
      (wanted.count(name) ? target_ : source_).emplace_back(name, std::move(files));
    }
    for (const auto& name : wanted) {
      if (!found.count(name)) {
        throw std::runtime_error("image_folder: target_classes names '" + name + "', but '" + root_.string() +
                                 "' has no folder of that name");
      }
    }
    if (source_.empty())
      throw std::runtime_error("image_folder: every class folder in '" + root_.string() + "' is a target class");
    for (const auto& [name, files] : source_) {
      if (static_cast<std::int64_t>(files.size()) <= test_per_class_) {
        throw std::runtime_error("image_folder: source class '" + name + "' has " + std::to_string(files.size()) +
                                 " images; test_per_class = " + std::to_string(test_per_class_) +
                                 " leaves none to train on (add images or lower test_per_class)");
      }
    }
  }

  gcbench::ImageShape image_shape() const override { return {channels_, size_, size_}; }

  std::vector<gcbench::SplitRole> splits() const override {
    if (target_.empty()) return {gcbench::SplitRole::source_train, gcbench::SplitRole::source_test};
    return {gcbench::SplitRole::source_train, gcbench::SplitRole::source_test, gcbench::SplitRole::target};
  }

  gcbench::ImageSet load(gcbench::SplitRole role) const override {
    switch (role) {
      case gcbench::SplitRole::source_train:
        return read(source_, 0, -test_per_class_);
      case gcbench::SplitRole::source_test:
        return read(source_, -test_per_class_, 0);
      case gcbench::SplitRole::target:
        if (!target_.empty()) return read(target_, 0, 0);
        break;
      case gcbench::SplitRole::val:
        break;
    }
    throw std::runtime_error("image_folder has no " + std::string(gcbench::to_string(role)) + " split");
  }

  // The statistics of the very images the network trains on, computed once.
  gcbench::ChannelStats normalization() const override {
    if (!stats_) stats_ = gcbench::channel_stats(load(gcbench::SplitRole::source_train).images);
    return *stats_;
  }

 private:
  using Classes = std::vector<std::pair<std::string, std::vector<fs::path>>>;

  // Files [begin, end) of each class, counted from the end when negative (end 0: to the last file).
  gcbench::ImageSet read(const Classes& classes, std::int64_t begin, std::int64_t end) const {
    std::vector<at::Tensor> images;
    std::vector<std::int64_t> labels;
    gcbench::ImageSet set;
    for (std::size_t label = 0; label < classes.size(); ++label) {
      const auto& files = classes[label].second;
      const auto count = static_cast<std::int64_t>(files.size());
      const auto first = begin < 0 ? count + begin : begin;
      const auto last = end <= 0 ? count + end : end;
      for (auto i = first; i < last; ++i) {
        images.push_back(image_folder::read_image(files[static_cast<std::size_t>(i)], channels_, size_));
        labels.push_back(static_cast<std::int64_t>(label));
      }
      set.class_names.push_back(classes[label].first);
    }
    set.images = at::stack(images);
    set.labels = at::tensor(labels, at::kLong);
    return set;
  }

  fs::path root_;
  std::int64_t size_, channels_, test_per_class_;
  Classes source_, target_;
  mutable std::optional<gcbench::ChannelStats> stats_;
};

gcbench::PluginInfo info() {
  gcbench::PluginInfo info{
      gcbench::PluginKind::dataset,
      "image_folder",
      "1.0.0",
      "one folder of PNG or JPEG images per class (example)",
      {gcbench::option::string_list("target_classes", {}, "class folders held out as novel target classes"),
       gcbench::option::integer("test_per_class", 10, "images of each source class held out as source_test").at_least(1),
       gcbench::option::integer("size", 32, "images are resized to size x size pixels").at_least(8).at_most(512),
       gcbench::option::integer("channels", 3, "1: grey, 3: RGB (converted as needed)").at_least(1).at_most(3)}};
  info.check_options = option_problems;
  return info;
}

}  // namespace

GCBENCH_REGISTER_DATASET(ImageFolder, info)
