#include "data/dataset_rules.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/bincount.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>
#include <unordered_set>

namespace gcbench {

namespace {

std::string shape_text(const at::Tensor& tensor) {
  if (!tensor.defined()) return "an undefined tensor";
  return fmt::format("{} [{}]", c10::toString(tensor.scalar_type()), fmt::join(tensor.sizes(), ", "));
}

// One hash per image, of its bytes: enough to find byte-identical images across splits.
std::vector<std::size_t> image_hashes(const at::Tensor& images) {
  const auto bytes = images.contiguous();
  const auto count = bytes.size(0);
  const auto size = static_cast<std::size_t>(count > 0 ? bytes.numel() / count : 0);
  const auto* base = reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>());
  std::vector<std::size_t> hashes;
  hashes.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    hashes.push_back(std::hash<std::string_view>{}(std::string_view(base + static_cast<std::size_t>(i) * size, size)));
  }
  return hashes;
}

// The names of `names` that are (in_other) or are not (!in_other) among `other`, in order.
std::vector<std::string> names_where(const std::vector<std::string>& names, const std::vector<std::string>& other,
                                     bool in_other) {
  const std::set<std::string> lookup(other.begin(), other.end());
  std::vector<std::string> found;
  for (const auto& name : names) {
    if (lookup.count(name) == (in_other ? 1U : 0U)) found.push_back(name);
  }
  return found;
}

std::vector<std::string> problems_of(const std::vector<CheckResult>& checks) {
  std::vector<std::string> problems;
  for (const auto& check : checks) {
    if (!check.passed)
      problems.push_back(fmt::format("[{}] {}: {}; fix: {}", check.rule, check.name, check.detail, check.remedy));
  }
  return problems;
}

}  // namespace

CheckResult check_declared_splits(const LoadedData& data) {
  CheckResult result{"splits() declares source_train and source_test, each once", false, {}, "dataset.splits-declared", {}};
  std::vector<std::string> names;
  for (const auto role : data.declared) names.emplace_back(to_string(role));
  const std::set<std::string> distinct(names.begin(), names.end());
  result.passed =
      data.declares(SplitRole::source_train) && data.declares(SplitRole::source_test) && distinct.size() == names.size();
  result.detail = fmt::format("splits() = [{}]", fmt::join(names, ", "));
  result.remedy =
      "list every split load() provides: the harness always loads source_train and source_test, and target only when "
      "splits() names it";
  return result;
}

CheckResult check_image_shape(SplitRole role, const ImageSet& set, const ImageShape& shape) {
  const auto& images = set.images;
  CheckResult result{fmt::format("{}: uint8 images [N, {}, {}, {}] as image_shape() declares", to_string(role), shape.channels,
                                 shape.height, shape.width),
                     false,
                     {},
                     "dataset.image-shape",
                     {}};
  result.passed = images.defined() && images.dim() == 4 && images.scalar_type() == at::kByte &&
                  images.size(1) == shape.channels && images.size(2) == shape.height && images.size(3) == shape.width;
  result.detail = fmt::format("images are {}", shape_text(images));
  result.remedy =
      "return images of the declared shape, or declare the shape the files have (image_shape()); resize or "
      "convert channels in load(), not later";
  return result;
}

CheckResult check_labels(SplitRole role, const ImageSet& set) {
  CheckResult result{
      fmt::format("{}: int64 labels, one per image, in 0..k-1 for k class_names, every class present", to_string(role)),
      false,
      {},
      "dataset.labels",
      {}};
  const auto classes = static_cast<std::int64_t>(set.class_names.size());
  const auto& labels = set.labels;
  result.remedy =
      "give each image a label indexing class_names, and leave no class without images (an error, never a "
      "silently smaller class)";
  if (!labels.defined() || labels.dim() != 1 || labels.scalar_type() != at::kLong ||
      (set.images.defined() && set.images.dim() > 0 && labels.size(0) != set.images.size(0))) {
    result.detail = fmt::format("labels are {} for images {}", shape_text(labels), shape_text(set.images));
    return result;
  }
  if (classes == 0 || labels.numel() == 0) {
    result.detail = fmt::format("{} labels, {} class names", labels.numel(), classes);
    return result;
  }
  const auto low = labels.min().item<std::int64_t>();
  const auto high = labels.max().item<std::int64_t>();
  if (low < 0 || high >= classes) {
    result.detail = fmt::format("labels span {}..{} but there are {} class names", low, high, classes);
    return result;
  }
  const auto counts = at::bincount(labels, {}, classes);
  const auto fewest = counts.min().item<std::int64_t>();
  result.passed = fewest > 0;
  std::vector<std::string> empty;
  for (std::int64_t c = 0; !result.passed && c < classes && empty.size() < 5; ++c) {
    if (counts[c].item<std::int64_t>() == 0) empty.push_back(set.class_names[static_cast<std::size_t>(c)]);
  }
  result.detail = result.passed ? fmt::format("{} images, {} classes, {}..{} per class", labels.size(0), classes, fewest,
                                              counts.max().item<std::int64_t>())
                                : fmt::format("no images of '{}'", fmt::join(empty, "', '"));
  return result;
}

CheckResult check_source_test_classes(const LoadedData& data) {
  CheckResult result{
      "source_test holds exactly the source classes, in source_train's order", false, {}, "dataset.source-test-classes", {}};
  const auto& train = data.source_train.class_names;
  const auto& test = data.source_test.class_names;
  result.passed = train == test;
  if (result.passed) {
    result.detail = fmt::format("{} classes", train.size());
  } else {
    const auto foreign = names_where(test, train, false);
    const auto missing = names_where(train, test, false);
    result.detail = !missing.empty() && foreign.empty()
                        ? fmt::format("source_test lacks {} of the {} source classes ('{}'{})", missing.size(), train.size(),
                                      missing.front(), missing.size() > 1 ? ", ..." : "")
                    : foreign.empty()
                        ? fmt::format("the same names in another order: source_train [{}], source_test [{}]",
                                      fmt::join(train, ", "), fmt::join(test, ", "))
                        : fmt::format("source_test has {} of {} classes that are not source classes ('{}'{})", foreign.size(),
                                      test.size(), foreign.front(), foreign.size() > 1 ? ", ..." : "");
  }
  result.remedy =
      "give source_test held-out images of the source classes, with source_train's class_names in the same order: label i "
      "must name the same class in both, since source accuracy and source NC read source_test's labels with the source head";
  return result;
}

CheckResult check_target_classes(const LoadedData& data, TargetComparison comparison) {
  CheckResult result{"target classes are new: no source class name, and no target image is a source_train image",
                     false,
                     {},
                     "dataset.target-classes-new",
                     {}};
  if (!data.target) {
    result.passed = true;
    result.detail = "no target split (a source-only dataset)";
    return result;
  }
  const auto shared = names_where(data.target->class_names, data.source_train.class_names, true);
  std::size_t repeated = 0;
  const auto target_count = data.target->images.defined() && data.target->images.dim() > 0 ? data.target->images.size(0) : 0;
  if (comparison == TargetComparison::names_and_images && shared.empty() && target_count > 0 &&
      data.source_train.images.defined() && data.source_train.images.scalar_type() == at::kByte &&
      data.target->images.scalar_type() == at::kByte && data.source_train.images.dim() == data.target->images.dim() &&
      data.source_train.images.sizes().slice(1) == data.target->images.sizes().slice(1)) {
    const auto source_hashes = image_hashes(data.source_train.images);
    const std::unordered_set<std::size_t> seen(source_hashes.begin(), source_hashes.end());
    for (const auto hash : image_hashes(data.target->images)) repeated += seen.count(hash);
  }
  const double fraction = target_count > 0 ? static_cast<double>(repeated) / static_cast<double>(target_count) : 0.0;
  result.passed = shared.empty() && fraction <= kSharedImageTolerance;
  result.detail = !shared.empty() ? fmt::format("target classes named as source classes: '{}'", fmt::join(shared, "', '"))
                  : comparison == TargetComparison::names_only
                      ? fmt::format("{} target classes, none named as a source class", data.target->class_names.size())
                      : fmt::format(
                            "{} of {} target images ({:.1f}%) are also source_train images (at most {:.0f}% "
                            "allowed)",
                            repeated, target_count, 100 * fraction, 100 * kSharedImageTolerance);
  result.remedy =
      "take the target split from classes pre-training never sees: transfer is measured on novel classes, and a class in "
      "both splits (by name or by its images) makes few-shot accuracy and target NC measure memory";
  return result;
}

CheckResult check_normalization(const LoadedData& data) {
  CheckResult result{fmt::format("normalization() is source_train's per-channel mean and standard deviation (within {} and "
                                 "{:.0f}%)",
                                 kNormalizationMeanTolerance, 100 * kNormalizationStdRelativeTolerance),
                     false,
                     {},
                     "dataset.normalization",
                     {}};
  result.remedy =
      "return gcbench::channel_stats(source_train.images) (sdk/dataset.hpp), or constants computed from the same images: "
      "the harness standardises every split with them, and GC is measured w.r.t. the standardised input";
  const auto& declared = data.stats;
  const auto channels = static_cast<std::size_t>(data.shape.channels);
  if (declared.mean.size() != channels || declared.stddev.size() != channels) {
    result.detail = fmt::format("{} means and {} standard deviations, but image_shape() declares {} channel{}",
                                declared.mean.size(), declared.stddev.size(), channels, channels == 1 ? "" : "s");
    return result;
  }
  if (!data.source_train.images.defined() || data.source_train.images.dim() != 4 ||
      data.source_train.images.size(1) != data.shape.channels || data.source_train.images.size(0) == 0) {
    result.detail = "source_train has no images of the declared shape to compare with (see dataset.image-shape)";
    return result;
  }
  const auto measured = channel_stats(data.source_train.images);
  result.passed = true;
  for (std::size_t c = 0; c < channels; ++c) {
    const bool mean_ok = std::abs(declared.mean[c] - measured.mean[c]) <= kNormalizationMeanTolerance;
    const bool std_ok = declared.stddev[c] > 0 && std::abs(declared.stddev[c] - measured.stddev[c]) <=
                                                      kNormalizationStdRelativeTolerance * measured.stddev[c];
    result.passed = result.passed && mean_ok && std_ok;
  }
  result.detail = fmt::format("declared mean [{:.4f}] std [{:.4f}]; source_train has mean [{:.4f}] std [{:.4f}]",
                              fmt::join(declared.mean, ", "), fmt::join(declared.stddev, ", "), fmt::join(measured.mean, ", "),
                              fmt::join(measured.stddev, ", "));
  return result;
}

CheckResult check_val_classes(const ImageSet& val, const LoadedData& data) {
  auto taken = data.source_train.class_names;
  if (data.target) taken.insert(taken.end(), data.target->class_names.begin(), data.target->class_names.end());
  const auto shared = names_where(val.class_names, taken, true);
  return {"val classes are in neither source nor target", shared.empty(),
          shared.empty() ? fmt::format("{} val classes", val.class_names.size())
                         : fmt::format("also a source or target class: '{}'", fmt::join(shared, "', '")),
          "dataset.val-classes-new", "keep validation classes apart from the source and target classes"};
}

namespace {

// The rules of shape, labels, declared splits and source_test's classes.
std::vector<CheckResult> structural_checks(const LoadedData& data) {
  std::vector<CheckResult> results{check_declared_splits(data)};
  std::vector<std::pair<SplitRole, const ImageSet*>> splits{{SplitRole::source_train, &data.source_train},
                                                            {SplitRole::source_test, &data.source_test}};
  if (data.target) splits.emplace_back(SplitRole::target, &*data.target);
  for (const auto& [role, set] : splits) {
    results.push_back(check_image_shape(role, *set, data.shape));
    results.push_back(check_labels(role, *set));
  }
  results.push_back(check_source_test_classes(data));
  return results;
}

}  // namespace

std::vector<CheckResult> check_loaded_dataset(const LoadedData& data) {
  auto results = structural_checks(data);
  results.push_back(check_target_classes(data, TargetComparison::names_and_images));
  results.push_back(check_normalization(data));
  return results;
}

std::vector<std::string> loaded_data_problems(const LoadedData& data) {
  auto checks = structural_checks(data);
  checks.push_back(check_target_classes(data, TargetComparison::names_only));
  return problems_of(checks);
}

}  // namespace gcbench
