#include "config/run_config.hpp"

#include <stdexcept>

#include "config/option_values.hpp"
#include "plugins/plugin_registry.hpp"

namespace gcbench {
using nlohmann::json;

namespace {
PluginChoice choice(const PluginRegistry& registry, PluginKind kind, const std::string& name, const json& given) {
  std::map<std::string, OptionValue> values;
  for (const auto& spec : registry.find(kind, name).info.options) {
    std::string problem;
    auto value = given.contains(spec.name) ? to_option_value(given.at(spec.name), spec, problem)
                                           : std::optional<OptionValue>(spec.default_value);
    if (!value) throw std::invalid_argument("option '" + spec.name + "' of '" + name + "' " + problem);
    values.emplace(spec.name, std::move(*value));
  }
  return {name, Options(std::move(values))};
}
}  // namespace

RunConfig to_run_config(const json& config, const PluginRegistry& registry) {
  RunConfig run;
  run.seed = config.at("seed").get<std::int64_t>();
  const std::string dataset = config.at("dataset").at("plugin");
  run.dataset = choice(registry, PluginKind::dataset, dataset, config["dataset"].value("options", json::object()));
  run.dataset_root = config["dataset"].value("root", "");
  const std::string architecture = config.at("architecture").at("plugin");
  run.architecture = choice(registry, PluginKind::architecture, architecture,
                            config["architecture"].value("options", json::object()));

  const json& training = config.at("training");
  run.training.epochs = training.at("epochs");
  run.training.max_steps = training.at("max_steps");
  run.training.batch_size = training.at("batch_size");
  run.training.lr = training.at("lr");
  run.training.momentum = training.at("momentum");
  run.training.nesterov = training.at("nesterov");
  run.training.augment = training.at("augment");
  run.training.schedule = training.at("schedule");
  run.training.milestones = training.at("milestones").get<std::vector<std::int64_t>>();
  run.training.gamma = training.at("gamma");
  run.training.warmup_epochs = training.at("warmup_epochs");
  run.training.l2 = training.at("l2");
  run.training.weight_decay = training.at("weight_decay");
  run.training.gc_penalty = training.at("gc_penalty");
  run.training.trajectory_every = training.at("trajectory_every");
  run.training.trajectory_gc_samples = training.at("trajectory_gc_samples");
  run.training.trajectory_nc_samples = training.at("trajectory_nc_samples");
  run.training.checkpoint_every = training.at("checkpoint_every");
  run.training.from_checkpoint = training.at("from_checkpoint");
  const json estimators = config.value("estimators", json::object());
  const auto estimator = [&](const std::string& name) {
    return choice(registry, PluginKind::gc_estimator, name, estimators.value(name, json::object()));
  };
  run.training.gc_penalty_estimator = estimator(training.at("gc_penalty_estimator"));
  run.training.trajectory_estimator = estimator(training.at("trajectory_estimator"));

  const json& measure = config.at("measure");
  for (const auto& name : measure.at("gc_estimators")) run.measure.gc_estimators.push_back(estimator(name));
  run.measure.gc_samples = measure.at("gc_samples");
  run.measure.accuracy_samples = measure.at("accuracy_samples");
  run.measure.batch_size = measure.at("batch_size");
  const json& fewshot = measure.at("fewshot");
  run.measure.fewshot.ways = fewshot.at("ways");
  run.measure.fewshot.shots = fewshot.at("shots").get<std::vector<std::int64_t>>();
  run.measure.fewshot.queries = fewshot.at("queries");
  run.measure.fewshot.episodes = fewshot.at("episodes");
  run.measure.fewshot.classifiers = fewshot.at("classifiers").get<std::vector<std::string>>();

  run.threads = config.at("runtime").at("threads");
  return run;
}

}  // namespace gcbench
