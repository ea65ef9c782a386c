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
#pragma once

namespace torch::nn {
class Module;
}

namespace gcbench {

struct ImageShape;

// `input`: the images the module's forward pass takes (Architecture::build's).
void to_channels_last(torch::nn::Module& module, const ImageShape& input);

}  // namespace gcbench
