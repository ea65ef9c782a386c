#include "config/harness_schema.hpp"

#include <algorithm>

#include "config/run_config.hpp"

namespace gcbench {

namespace {

template <class T>
void assign_value(T& field, const OptionValue& value) {
  field = std::get<T>(value);
}
void assign_value(PluginChoice& field, const OptionValue& value) { field.plugin = std::get<std::string>(value); }
void assign_value(std::vector<PluginChoice>& field, const OptionValue& value) {
  field.clear();
  for (const auto& name : std::get<std::vector<std::string>>(value)) field.push_back({name, {}});
}

// The RunConfig field reached through `members`: lands_in(&RunConfig::training, &TrainingConfig::lr).
template <class... Members>
auto lands_in(Members... members) {
  return [=](RunConfig& config, const OptionValue& value) { assign_value((config.*....*members), value); };
}

struct Required {};
constexpr Required required;

template <class Assign>
HarnessKey key(OptionSpec spec, Assign assign) {
  return {std::move(spec), false, assign, {}};
}
template <class Assign>
HarnessKey key(OptionSpec spec, Required, Assign assign) {
  return {std::move(spec), true, assign, {}};
}
HarnessKey suite_key(OptionSpec spec) { return {std::move(spec), false, {}, {}}; }

}  // namespace

const std::vector<HarnessKey>& harness_keys() {
  using namespace option;
  using R = RunConfig;
  using T = TrainingConfig;
  using M = MeasureConfig;
  using F = FewShotConfig;
  static const std::vector<HarnessKey> keys = {
      suite_key(string("suite.name", "", "results folder name; defaults to the suite file's stem")),
      suite_key(string("suite.description", "", "one line describing the suite")),
      suite_key(integer_list("suite.seeds", {0}, "one run per seed for every sweep point").at_least(0)),
      suite_key(string_list("suite.plugin_paths", {}, "extra plugin folders, relative to the suite file")),

      key(string("dataset.plugin", "", "dataset plugin name (see `gcbench plugins`)"), required, lands_in(&R::dataset)),
      key(string("dataset.root", "", "data folder; default $GCBENCH_DATA/<plugin>, else the plugin's own default"),
          lands_in(&R::dataset_root)),
      key(string("architecture.plugin", "", "architecture plugin name (see `gcbench plugins`)"), required,
          lands_in(&R::architecture)),

      key(integer("training.epochs", 1, "passes over the source-train split").at_least(1).at_most(100000),
          lands_in(&R::training, &T::epochs)),
      key(integer("training.max_steps", 0, "stop after this many SGD steps (0: no limit)").at_least(0),
          lands_in(&R::training, &T::max_steps)),
      key(integer("training.batch_size", 64, "examples per SGD step").at_least(1).at_most(1000000),
          lands_in(&R::training, &T::batch_size)),
      key(real("training.lr", 0.05, "SGD learning rate").at_least(1e-12), lands_in(&R::training, &T::lr)),
      key(real("training.momentum", 0.9, "SGD momentum").at_least(0).at_most(0.999999), lands_in(&R::training, &T::momentum)),
      key(boolean("training.nesterov", false, "Nesterov momentum"), lands_in(&R::training, &T::nesterov)),
      key(boolean("training.augment", false, "random crop after 4-pixel padding and horizontal flip (training only)"),
          lands_in(&R::training, &T::augment)),
      key(string("training.schedule", "constant", "learning-rate schedule").one_of({"constant", "step", "cosine"}),
          lands_in(&R::training, &T::schedule)),
      key(integer_list("training.milestones", {}, "step schedule: epochs at which lr is multiplied by gamma").at_least(1),
          lands_in(&R::training, &T::milestones)),
      key(real("training.gamma", 0.1, "step schedule: the factor at each milestone").at_least(0).at_most(1),
          lands_in(&R::training, &T::gamma)),
      key(real("training.warmup_epochs", 0, "linear warm-up from 0 to lr over this many epochs").at_least(0),
          lands_in(&R::training, &T::warmup_epochs)),
      key(real("training.l2", 0, "L2 regularisation: loss += l2 * ||theta||^2 (through momentum)").at_least(0),
          lands_in(&R::training, &T::l2)),
      key(real("training.weight_decay", 5e-4, "decoupled weight decay: theta *= 1 - lr * weight_decay each step").at_least(0),
          lands_in(&R::training, &T::weight_decay)),
      key(real("training.gc_penalty", 0, "GC regularisation: loss += gc_penalty * GC estimate on the batch").at_least(0),
          lands_in(&R::training, &T::gc_penalty)),
      key(integer("training.gc_penalty_probes", 1,
                  "probes per step of the GC penalty, for an estimator that computes it on the training forward pass "
                  "(hutchinson); 0: the estimator's own `probes`. Measurement keeps the estimator's own")
              .at_least(0)
              .at_most(1024),
          lands_in(&R::training, &T::gc_penalty_probes)),
      key(string("training.gc_penalty_estimator", "hutchinson",
                 "differentiable GC estimator for the penalty; options from [estimators.<name>]"),
          lands_in(&R::training, &T::gc_penalty_estimator)),
      key(integer("training.trajectory_every", 0, "record loss, accuracy, GC and NC every this many steps (0: never)")
              .at_least(0),
          lands_in(&R::training, &T::trajectory_every)),
      key(integer("training.trajectory_gc_samples", 32, "fixed source-train images for trajectory GC")
              .at_least(1)
              .at_most(1000000),
          lands_in(&R::training, &T::trajectory_gc_samples)),
      key(string("training.trajectory_estimator", "hutchinson", "GC estimator for trajectories"),
          lands_in(&R::training, &T::trajectory_estimator)),
      key(integer("training.trajectory_nc_samples", 500,
                  "fixed source-test images for trajectory NC, an equal share (at least 2) from each class")
              .at_least(2)
              .at_most(10000000),
          lands_in(&R::training, &T::trajectory_nc_samples)),
      key(integer("training.checkpoint_every", 0, "also save f+g every this many epochs (0: final only)").at_least(0),
          lands_in(&R::training, &T::checkpoint_every)),
      key(string("training.from_checkpoint", "", "measure this saved f+g instead of training (a final.pt path)"),
          lands_in(&R::training, &T::from_checkpoint)),

      key(string_list("measure.gc_estimators", {"exact", "hutchinson"}, "GC estimator plugins to run"),
          lands_in(&R::measure, &M::gc_estimators)),
      key(integer("measure.gc_samples", 128, "source-train images GC is measured on").at_least(1).at_most(10000000),
          lands_in(&R::measure, &M::gc_samples)),
      key(string("measure.gc_input", "standardised",
                 "GC with respect to the standardised input the network sees, or to pixels in [0, 1] (the Jacobian "
                 "rescaled by 1 / each channel's std), to compare with work that uses either")
              .one_of({"standardised", "pixels"}),
          lands_in(&R::measure, &M::gc_input)),
      key(integer("measure.accuracy_samples", 0, "source-train images for train accuracy (0: all)").at_least(0),
          lands_in(&R::measure, &M::accuracy_samples)),
      key(integer("measure.batch_size", 256, "batch size for computing embeddings").at_least(1).at_most(1000000),
          lands_in(&R::measure, &M::batch_size)),
      key(integer("measure.fewshot.ways", 5, "classes per few-shot episode").at_least(2).at_most(10000),
          lands_in(&R::measure, &M::fewshot, &F::ways)),
      key(integer_list("measure.fewshot.shots", {1, 5}, "support images per class, one result each").at_least(1).at_most(100000),
          lands_in(&R::measure, &M::fewshot, &F::shots)),
      key(integer("measure.fewshot.queries", 15, "query images per class per episode").at_least(1).at_most(100000),
          lands_in(&R::measure, &M::fewshot, &F::queries)),
      key(integer("measure.fewshot.episodes", 600, "episodes per shot count").at_least(1).at_most(10000000),
          lands_in(&R::measure, &M::fewshot, &F::episodes)),
      key(string_list("measure.fewshot.classifiers", {"ncm", "ncm_cosine", "linear_probe"},
                      "nearest class mean (Euclidean, cosine) and an L-BFGS logistic-regression probe")
              .one_of({"ncm", "ncm_cosine", "linear_probe"}),
          lands_in(&R::measure, &M::fewshot, &F::classifiers)),

      key(string("runtime.device", "auto",
                 "where tensors run: \"cpu\", \"cuda\" (GPU 0), \"cuda:N\", or \"auto\" (a GPU when this LibTorch has "
                 "CUDA and one is visible, else the CPU); not part of the run id"),
          lands_in(&R::device)),
      key(real("runtime.progress_seconds", 30,
               "seconds between progress lines when stderr is not a terminal (a log, a Slurm output); on a "
               "terminal one line is updated in place")
              .at_least(0.1)
              .at_most(86400),
          lands_in(&R::progress_seconds)),
      key(integer("runtime.threads", 0, "LibTorch intra-op threads (0: all cores; at most the cores there are)")
              .at_least(0)
              .at_most(4096),
          lands_in(&R::threads)),
  };
  return keys;
}

const HarnessKey* find_harness_key(const std::string& dotted_key) {
  const auto& keys = harness_keys();
  const auto found = std::find_if(keys.begin(), keys.end(), [&](const HarnessKey& key) { return key.spec.name == dotted_key; });
  return found == keys.end() ? nullptr : &*found;
}

nlohmann::json::json_pointer key_pointer(const std::string& dotted_key) {
  std::string pointer = "/" + dotted_key;
  std::replace(pointer.begin(), pointer.end(), '.', '/');
  return nlohmann::json::json_pointer(pointer);
}

}  // namespace gcbench
