// The calibration cases `gcbench bench` runs whatever its filter: LibTorch's
// own kernels on fixed inputs, which no change to gcbench touches, each well
// under a second an iteration:
//   calibration/gemm_512     float32 512x512 times 512x512
//   calibration/conv3x3_64   a 3x3 convolution, 64 -> 64 channels, 16 images of 32x32
// When they slow down too, the machine ran slower that session, not the code:
// the history keeps every case also normalised by them
// (record/bench_file.hpp's calibration_seconds), and the dashboard names a
// step they share "machine".
#pragma once

#include <c10/core/Device.h>

#include <string>
#include <vector>

namespace gcbench {

const std::vector<std::string>& calibration_case_names();
void register_calibration_cases(c10::Device device);

}  // namespace gcbench
