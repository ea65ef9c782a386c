#include "config/run_config.hpp"

#include <stdexcept>

#include "config/harness_schema.hpp"
#include "config/option_values.hpp"

namespace gcbench {
using nlohmann::json;

Options options_from_json(const json& given, const std::vector<OptionSpec>& specs, const std::string& where) {
  std::map<std::string, OptionValue> values;
  for (const auto& spec : specs) {
    std::string problem;
    auto value = given.contains(spec.name) ? to_option_value(given.at(spec.name), spec, problem)
                                           : std::optional<OptionValue>(spec.default_value);
    if (!value) throw std::invalid_argument("'" + where + "." + spec.name + "' " + problem);
    values.emplace(spec.name, std::move(*value));
  }
  return Options(std::move(values));
}

RunConfig default_run_config() {
  RunConfig config;
  for (const auto& key : harness_keys()) {
    if (key.assign) key.assign(config, key.spec.default_value);
  }
  return config;
}

RunConfig to_run_config(const json& config, const PluginOptionSpecs& specs) {
  RunConfig run;
  for (const auto& key : harness_keys()) {
    if (!key.assign) continue;
    const auto pointer = key_pointer(key.spec.name);
    if (!config.contains(pointer)) throw std::invalid_argument("the run's config has no '" + key.spec.name + "'");
    std::string problem;
    const auto value = to_option_value(config[pointer], key.spec, problem);
    if (!value) throw std::invalid_argument("'" + key.spec.name + "' " + problem);
    key.assign(run, *value);
  }
  run.seed = config.at("seed").get<std::int64_t>();

  const auto with_options = [&](PluginChoice& choice, const std::string& table, const json& given) {
    const auto found = specs.find(table);
    if (found == specs.end())
      throw std::invalid_argument("no options were resolved for '" + table + "' (plugin '" + choice.plugin + "')");
    choice.options = options_from_json(given, found->second, table);
  };
  const json none = json::object();
  with_options(run.dataset, kDatasetOptions, config.at("dataset").value("options", none));
  with_options(run.architecture, kArchitectureOptions, config.at("architecture").value("options", none));
  const json estimators = config.value(kEstimatorOptions, none);
  const auto estimator = [&](PluginChoice& choice) {
    with_options(choice, std::string(kEstimatorOptions) + "." + choice.plugin, estimators.value(choice.plugin, none));
  };
  for (auto& choice : run.measure.gc_estimators) estimator(choice);
  estimator(run.training.gc_penalty_estimator);
  estimator(run.training.trajectory_estimator);
  return run;
}

}  // namespace gcbench
