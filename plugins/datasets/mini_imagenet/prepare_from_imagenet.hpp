// `gcbench data prepare mini_imagenet ROOT --from-imagenet DIR`: writes the
// 84x84 JPEGs the Ravi-Larochelle CSVs name into ROOT/images/ (ROOT's own
// CSVs, else the split shipped in `shipped_split`: split_files.hpp), from
// ImageNet's training set (a folder of class folders, or its tar). Each name is
// a class and a 1-based index into that class's sorted file list
// (n0153282900000005.jpg: class n01532829, its 5th file); each image is
// decoded, area-averaged to 84x84 (area_resize.hpp) and written as a JPEG of
// quality 95, on every core.
#pragma once

#include <gcbench/sdk/data_source.hpp>

namespace gcbench::mini_imagenet {

inline constexpr const char* kImageNetSource =
    "ImageNet's (ILSVRC2012) training folder of nXXXXXXXX/ class folders, or ILSVRC2012_img_train.tar";

void prepare_from_imagenet(const PrepareRequest& request, const std::filesystem::path& shipped_split);

}  // namespace gcbench::mini_imagenet
