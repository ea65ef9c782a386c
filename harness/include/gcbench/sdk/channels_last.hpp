// Convolution weights in channels-last memory, for architecture plugins whose
// forward pass runs in channels-last memory: what Python's
// `module.to(memory_format=torch.channels_last)` does to a module's weights.
//
//   auto embedding = std::make_shared<Conv4Embedding>(input, width);
//   gcbench::to_channels_last(*embedding, input);   // in Architecture::build
//
// Why: LibTorch runs a convolution in channels-last memory when its input or
// its weight is channels-last, and copies the other one into that layout first,
// on every call: the weight in the forward pass, again in the backward pass, and
// its gradient back into the weight's layout. For contiguous (OIHW) weights
// beside channels-last activations, that is three copies of every weight a
// training step (about 3% of resnet18's step on a 2-core Xeon, LibTorch 1.13
// and 2.15 alike) and two a GC estimate's pass.
//
// The values do not change, only their order in memory: every 4-d parameter
// and buffer of the module and its submodules gets channels-last strides (a
// tensor already so, or of another rank, is left as it is). Call it once the
// module is built, before an optimiser or anything else keeps its tensors'
// memory; the tensors stay the same objects (their data is replaced).
//
// The input's shape decides once for every architecture: for one-channel
// images (Fashion-MNIST) the weights stay as they are.
// `images.contiguous(at::MemoryFormat::ChannelsLast)` leaves a one-channel
// batch's strides as they are (both layouts fit it), and LibTorch, which reads
// a layout from strides, runs the first convolution contiguous, and the
// network after it so; channels-last weights would be copied back on each call.
//
// Not every layer gains: on small maps a convolution runs faster contiguous,
// where oneDNN takes its blocked layout (channels in blocks of 16). An
// architecture asks channels_last_pays for each stage's maps, runs the stages
// that do not pay contiguous (`x.contiguous()` before them) and lays out only
// the others' weights:
//
//   if (gcbench::channels_last_pays(height, width)) gcbench::to_channels_last(*stage, input);
#pragma once

#include <cstdint>

namespace torch::nn {
class Module;
}

namespace gcbench {

struct ImageShape;

// `input`: the images the module's forward pass takes (Architecture::build's).
void to_channels_last(torch::nn::Module& module, const ImageShape& input);

// Whether convolutions whose output maps are height x width run faster in
// channels-last memory than contiguous: more than 64 pixels. Measured layer by
// layer in resnet12's training step (2-core Xeon with AVX-512, LibTorch 1.13
// and 2.15; tests/benchmarks/speed-history.md): at 16x16 and 32x32 the three
// passes together level (1.13) or channels-last ahead (2.15, by up to 1.2x in
// the backward); at 8x8 and 4x4 the blocked layout 1.1-1.7x faster in the
// forward and, on 2.15, in the backward. Channels-last also lets batch norm run
// fused (sdk/batch_norm_relu.hpp), which counts most on large maps.
bool channels_last_pays(std::int64_t height, std::int64_t width);

}  // namespace gcbench
