// `gcbench bench`: Google Benchmark cases registered at run time for every
// plugin gcbench finds, so a new plugin is benchmarked without a line of code:
//   train_step/<architecture>          two SGD steps at batch 64 through pretrain()
//   train_step_gc_penalty/conv4        the same with the GC penalty (Hutchinson)
//   gc/<estimator>/<network>           one GC estimate on mlp, conv4, resnet18, resnet12 and vgg13
//   data_load/<dataset>                opening a dataset (reading, decoding) and taking source-train, where its data is present
//   nc/100k_x_512                      the NC family on 100,000 embeddings of 512 dimensions
//   fewshot/600_episodes_5way_5shot/<classifier>
//   measure/conv4                      a run's whole measurement (measure_network): accuracy, GC, NC, few-shot
// Each runs on one device (runtime.device's names: "cpu", "cuda", "cuda:N");
// data_load reads files and stays on the CPU.
//
// Each case says whether the nightly's paired bench runs it (`bench --nightly`):
// all but the slow ones whose code a kept case runs too, which took 135 of a
// bench process's 185 s on a 2-core Xeon: exact GC on resnet18 (its code is
// exact's on conv4 and mlp), sampled GC but on mlp (exact's code on fewer
// images), GC on resnet12 and vgg13 (the estimators' code runs on resnet18;
// they are there for the side by side), the GC-penalty step on resnet18
// (conv4's runs its code) and measure/conv4 (its parts are the gc, nc and
// fewshot cases).
//
// The nightly's two speed targets, train_step/conv4 and gc/hutchinson/conv4,
// run at least kTargetMinSeconds a repetition whatever --min-time says: at the
// nightly's 0.2 s, conv4's step ran 3 iterations a round and its rounds'
// log-ratios spread 2.6% (same code, 10 rounds); at 1 s, 17 iterations and 1.5%.
// They also warm up at least kTargetWarmupSeconds, as when ci/sensitivity.sh
// measured how small a slowdown the nightly sees. The other cases' warm-up is
// --warmup's (the nightly's is none): each call of a training step or GC case
// runs one unmeasured iteration first anyway, and Google Benchmark's warm-up
// calls the case again, set-up and all, which was half of a bench process's
// time (51 s against 27 s on a 2-core Xeon).
#pragma once

#include <c10/core/Device.h>

#include <functional>
#include <string>
#include <vector>

#include "plugins/plugin_registry.hpp"

namespace gcbench {

// Registers the cases `wanted` accepts, given each one's name and whether the
// nightly runs it (a data_load case probes its data, which costs a load, only
// when wanted). Returns one line per case left out and why ("data_load/cifar_fs:
// no data: ..."). `min_time` and `warmup` are --min-time's and --warmup's, which
// the targets' floors override when higher.
using WantedCase = std::function<bool(const std::string& name, bool nightly)>;
inline constexpr double kTargetMinSeconds = 1.0;
inline constexpr double kTargetWarmupSeconds = 0.2;
std::vector<std::string> register_bench_cases(const PluginRegistry& registry, const WantedCase& wanted,
                                              c10::Device device = c10::Device(c10::kCPU), double min_time = 0,
                                              double warmup = 0);

// The machine and build in the JSON's context: git revision and dirty flag, CPU
// model, cores, threads, LibTorch version (and its CUDA), BLAS, compiler, the
// device and its model, and each plugin's SHA-256.
void add_bench_context(const PluginRegistry& registry, int threads, c10::Device device = c10::Device(c10::kCPU));

}  // namespace gcbench
