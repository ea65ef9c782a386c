#include "data/data_digest.hpp"

#include <ATen/core/Tensor.h>

#include <algorithm>
#include <cstdint>

#include "util/file_digest.hpp"

namespace gcbench {
namespace {

void add_tensor(Digest& digest, const at::Tensor& tensor) {
  const auto cpu = tensor.cpu().contiguous();
  for (const auto size : cpu.sizes()) digest.update(&size, sizeof size);
  const std::string type(cpu.dtype().name());
  digest.update(type.data(), type.size() + 1);
  digest.update(cpu.data_ptr(), cpu.nbytes());
}

}  // namespace

std::string data_digest(const std::vector<const ImageSet*>& splits) {
  Digest digest;
  for (const auto* split : splits) {
    add_tensor(digest, split->images);
    add_tensor(digest, split->labels);
    for (const auto& name : split->class_names) digest.update(name.c_str(), name.size() + 1);
  }
  return "sha256:" + digest.hex();
}

std::string data_digest(const Dataset& dataset) {
  std::vector<ImageSet> loaded = {dataset.load(SplitRole::source_train), dataset.load(SplitRole::source_test)};
  const auto splits = dataset.splits();
  if (std::find(splits.begin(), splits.end(), SplitRole::target) != splits.end()) {
    loaded.push_back(dataset.load(SplitRole::target));
  }
  std::vector<const ImageSet*> pointers;
  for (const auto& split : loaded) pointers.push_back(&split);
  return data_digest(pointers);
}

}  // namespace gcbench
