#include "config/harness_schema.hpp"

namespace gcbench {

const std::vector<HarnessKey>& harness_keys() {
  using namespace option;
  static const std::vector<HarnessKey> keys = {
      {string("suite.name", "", "results folder name; defaults to the suite file's stem")},
      {string("suite.description", "", "one line describing the suite")},
      {integer_list("suite.seeds", {0}, "one run per seed for every sweep point").at_least(0)},
      {string_list("suite.plugin_paths", {}, "extra plugin folders, relative to the suite file")},

      {string("dataset.plugin", "", "dataset plugin name (see `gcbench plugins`)"), true},
      {string("dataset.root", "", "data folder; default $GCBENCH_DATA/<plugin>, else the plugin's own default")},
      {string("architecture.plugin", "", "architecture plugin name (see `gcbench plugins`)"), true},

      {integer("training.epochs", 1, "passes over the source-train split").at_least(1)},
      {integer("training.max_steps", 0, "stop after this many SGD steps (0: no limit)").at_least(0)},
      {integer("training.batch_size", 64, "examples per SGD step").at_least(1)},
      {real("training.lr", 0.05, "SGD learning rate").at_least(1e-12)},
      {real("training.momentum", 0.9, "SGD momentum").at_least(0).at_most(0.999999)},
      {boolean("training.nesterov", false, "Nesterov momentum")},
      {boolean("training.augment", false, "random crop after 4-pixel padding and horizontal flip (training only)")},
      {string("training.schedule", "constant", "learning-rate schedule").one_of({"constant", "step", "cosine"})},
      {integer_list("training.milestones", {}, "step schedule: epochs at which lr is multiplied by gamma").at_least(1)},
      {real("training.gamma", 0.1, "step schedule: the factor at each milestone").at_least(0).at_most(1)},
      {real("training.warmup_epochs", 0, "linear warm-up from 0 to lr over this many epochs").at_least(0)},
      {real("training.l2", 0, "L2 regularisation: loss += l2 * ||theta||^2 (through momentum)").at_least(0)},
      {real("training.weight_decay", 5e-4, "decoupled weight decay: theta *= 1 - lr * weight_decay each step").at_least(0)},
      {real("training.gc_penalty", 0, "GC regularisation: loss += gc_penalty * GC estimate on the batch").at_least(0)},
      {string("training.gc_penalty_estimator", "hutchinson", "differentiable GC estimator for the penalty; options from [estimators.<name>]")},
      {integer("training.trajectory_every", 0, "record loss, accuracy, GC and NC every this many steps (0: never)").at_least(0)},
      {integer("training.trajectory_gc_samples", 32, "fixed source-train images for trajectory GC").at_least(1)},
      {string("training.trajectory_estimator", "hutchinson", "GC estimator for trajectories")},
      {integer("training.trajectory_nc_samples", 500, "fixed source-test images for trajectory NC, an equal share (at least 2) from each class").at_least(2)},
      {integer("training.checkpoint_every", 0, "also save f+g every this many epochs (0: final only)").at_least(0)},
      {string("training.from_checkpoint", "", "measure this saved f+g instead of training (a final.pt path)")},

      {string_list("measure.gc_estimators", {"exact", "hutchinson"}, "GC estimator plugins to run")},
      {integer("measure.gc_samples", 128, "source-train images GC is measured on").at_least(1)},
      {integer("measure.accuracy_samples", 0, "source-train images for train accuracy (0: all)").at_least(0)},
      {integer("measure.batch_size", 256, "batch size for computing embeddings").at_least(1)},
      {integer("measure.fewshot.ways", 5, "classes per few-shot episode").at_least(2)},
      {integer_list("measure.fewshot.shots", {1, 5}, "support images per class, one result each").at_least(1)},
      {integer("measure.fewshot.queries", 15, "query images per class per episode").at_least(1)},
      {integer("measure.fewshot.episodes", 600, "episodes per shot count").at_least(1)},
      {string_list("measure.fewshot.classifiers", {"ncm", "ncm_cosine", "linear_probe"},
                   "nearest class mean (Euclidean, cosine) and an L-BFGS logistic-regression probe")
           .one_of({"ncm", "ncm_cosine", "linear_probe"})},

      {integer("runtime.threads", 0, "LibTorch intra-op threads (0: all cores)").at_least(0)},
  };
  return keys;
}

}  // namespace gcbench
