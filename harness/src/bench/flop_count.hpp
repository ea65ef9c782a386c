// Floating-point operations of the convolutions and matrix products a piece
// of LibTorch work runs, counted from the operators it dispatches (LibTorch's
// RecordFunction observers), so a benchmark can report GFLOP/s.
#pragma once

#include <functional>

namespace gcbench {

// 2 x multiply-adds of every aten::convolution, aten::addmm, aten::mm and
// aten::bmm `work` runs on this thread; other operators are not counted.
double count_flops(const std::function<void()>& work);

}  // namespace gcbench
