#include "runner/suite_runner.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <sstream>

#include "plugins/plugin_registry.hpp"
#include "record/provenance.hpp"
#include "record/results_folder.hpp"
#include "runner/run_one.hpp"
#include "runtime/process_tuning.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Provenance run_provenance(const RunConfig& config, const PluginRegistry& registry, int threads) {
  const auto version = [&](PluginKind kind, const std::string& name) {
    const PluginRecord& plugin = registry.find(kind, name);
    return PluginVersion{name, plugin.info.version, plugin.sha256};
  };
  Provenance p = machine_provenance(threads);
  p.dataset = version(PluginKind::dataset, config.dataset.plugin);
  p.architecture = version(PluginKind::architecture, config.architecture.plugin);
  for (const auto& estimator : config.measure.gc_estimators) {
    p.gc_estimators[estimator.plugin] = version(PluginKind::gc_estimator, estimator.plugin);
  }
  return p;
}

// The record a run starts with: who it is, where it sits in the plan, where it came from.
RunRecord identity_of(const Suite& suite, const PlannedRun& run, Provenance provenance, const fs::path& run_dir) {
  RunRecord record;
  record.run_id = run.id;
  record.training_id = run.training_id;
  record.suite = suite.name;
  record.description = suite.description;
  record.index = run.index;
  record.variant = run.variant;
  record.seed = run.seed;
  record.swept = run.swept;
  record.config = run.config;
  record.run_dir = run_dir.string();
  record.started_at = utc_timestamp();
  record.provenance = std::move(provenance);
  return record;
}

// The results of `earlier`, an identical run, under this run's identity.
void copy_results(const RunRecord& earlier, RunRecord& record) {
  record.status = earlier.status;
  record.error = earlier.error;
  record.network = earlier.network;
  record.training = earlier.training;
  record.metrics = earlier.metrics;
  record.evaluated_splits = earlier.evaluated_splits;
  record.data_root = earlier.data_root;
  record.timings = earlier.timings;
  record.seconds = earlier.seconds;
  record.reused_from = ReusedFrom{earlier.index, earlier.run_dir};
}

}  // namespace

SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          const fs::path& results_root) {
  ResultsFolder folder = ResultsFolder::create(results_root, suite.name);
  SuiteRunSummary summary;
  summary.results_dir = folder.path();
  {
    std::ostringstream resolved;
    resolved << suite.table << '\n';
    folder.write_resolved_suite(resolved.str());
    json plan = json::array();
    for (const auto& run : runs) plan.push_back(to_json(run));
    folder.write_plan(plan);
  }
  std::map<std::string, RunRecord> measured;     // run id -> the record of the run that measured it
  std::map<std::string, TrainedNetwork> trained;  // training id -> the network a run trained
  std::map<std::string, RunRecord> diverged;      // training id -> the run whose training diverged
  DatasetCache datasets(registry);

  for (std::size_t position = 0; position < runs.size(); ++position) {
    const auto& run = runs[position];
    const RunConfig& config = run.run_config;
    const int threads = apply_threads(config.threads);
    // A subset of the plan (e.g. a cut-down test) still names each run's place in the plan.
    spdlog::info("run {}/{}{} [{}] {}seed {} {}", position + 1, runs.size(),
                 run.index == position ? "" : fmt::format(" (plan #{})", run.index), run.id,
                 run.variant.empty() ? "" : "variant " + run.variant + " ", run.seed, run.swept.dump());

    const fs::path run_dir = folder.run_dir(run.index, run.id);
    RunRecord record = identity_of(suite, run, run_provenance(config, registry, threads), run_dir);
    const auto start = std::chrono::steady_clock::now();
    bool data_unusable = false;
    try {
      const fs::path dir = folder.prepare_run_dir(run.index, run.id, run.config);
      if (const auto earlier = measured.find(run.id); earlier != measured.end()) {
        // Variants often share a point (the base value of each swept key); the same
        // resolved config and seed would train and measure the same network again.
        copy_results(earlier->second, record);
        spdlog::info("run {} is run #{} of this suite again: its record is reused", run.id, earlier->second.index);
      } else if (const auto failed_training = diverged.find(run.training_id); failed_training != diverged.end()) {
        record.status = RunStatus::diverged;
        record.error = failed_training->second.error;
        record.training = failed_training->second.training;
        record.training.trained = false;
        record.training.trained_in_run = failed_training->second.index;
      } else {
        const auto network = trained.find(run.training_id);
        const TrainedNetwork* reuse = network == trained.end() ? nullptr : &network->second;
        if (reuse) spdlog::info("run {} measures the network run #{} trained", run.id, reuse->index);
        // A network trained before the measurement failed is still a trained network.
        const auto remember_network = [&] {
          if (record.training.trained && !record.training.checkpoint.empty()) {
            trained[run.training_id] = {run.index, record.training.checkpoint, record.training};
          }
        };
        try {
          run_one(config, registry, datasets, dir, reuse, record);
          record.status = RunStatus::ok;
        } catch (...) {
          remember_network();
          throw;
        }
        remember_network();
      }
    } catch (const RunDiverged& error) {
      record.status = RunStatus::diverged;
      record.error = error.what();
      record.training.diverged_at_step = error.step();
      diverged.emplace(run.training_id, record);
    } catch (const DatasetUnavailable& error) {
      record.status = RunStatus::failed;
      record.error = error.what();
      data_unusable = true;
    } catch (const std::exception& error) {
      record.status = RunStatus::failed;
      record.error = error.what();
    }
    if (!record.reused_from) {
      record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      record.timings["total"] = record.seconds;
    }
    if (record.training.trained) ++summary.trainings;
    if (record.status == RunStatus::failed) ++summary.failed;
    if (record.status == RunStatus::diverged) ++summary.diverged;
    folder.append(record);
    if (record.status != RunStatus::failed && !measured.count(run.id)) measured.emplace(run.id, record);
    if (record.status != RunStatus::ok) spdlog::error("run {} {}: {}", run.id, to_string(record.status), record.error);
    summary.records.push_back(std::move(record));
    if (data_unusable) {
      spdlog::error("stopping the suite: no later run can load this dataset either");
      break;
    }
  }
  return summary;
}

}  // namespace gcbench
