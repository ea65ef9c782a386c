#include "runner/run_attempt.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "plugins/plugin_registry.hpp"
#include "record/provenance.hpp"
#include "runner/run_one.hpp"
#include "runtime/device.hpp"
#include "runtime/process_tuning.hpp"
#include "runtime/process_usage.hpp"

namespace gcbench {
namespace fs = std::filesystem;

namespace {

Provenance run_provenance(const RunConfig& config, const PluginRegistry& registry, int threads) {
  const auto version = [&](PluginKind kind, const std::string& name) {
    const PluginRecord& plugin = registry.find(kind, name);
    return PluginVersion{name, plugin.info.version, plugin.sha256};
  };
  Provenance p = machine_provenance(threads);
  p.device_requested = config.device;
  try {
    const DeviceChoice choice = choose_device(config.device);
    p.device = device_name(choice.device);
    p.device_model = device_model(choice.device);
    p.device_fallback = choice.fallback;
  } catch (const std::invalid_argument&) {  // the run itself fails on it, with the reason, and records that
    p.device = config.device;
  }
  p.dataset = version(PluginKind::dataset, config.dataset.plugin);
  p.architecture = version(PluginKind::architecture, config.architecture.plugin);
  for (const auto& estimator : config.measure.gc_estimators) {
    p.gc_estimators[estimator.plugin] = version(PluginKind::gc_estimator, estimator.plugin);
  }
  return p;
}

}  // namespace

RunRecord start_record(const Suite& suite, const PlannedRun& run, const PluginRegistry& registry, const fs::path& run_dir) {
  const int threads = apply_threads(run.run_config.threads);
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
  record.provenance = run_provenance(run.run_config, registry, threads);
  return record;
}

bool reuse_earlier(const PlannedRun& run, const EarlierRuns& earlier, RunRecord& record) {
  if (const RunRecord* same = earlier.measured(run.id)) {
    // Variants often share a point (the base value of each swept key); the same
    // resolved config and seed would train and measure the same network again.
    static_cast<RunOutcome&>(record) = *same;  // everything it measured, as it measured it
    record.reused_from = ReusedFrom{same->index, same->run_dir};
    spdlog::info("run {} is run #{} again: its record is reused", run.id, same->index);
    return true;
  }
  if (const RunRecord* failed_training = earlier.diverged(run.training_id)) {
    record.status = RunStatus::diverged;
    record.error = failed_training->error;
    record.training = failed_training->training;
    record.training.trained = false;
    record.training.trained_in_run = failed_training->index;
    return true;
  }
  return false;
}

bool attempt_run(const PlannedRun& run, const PluginRegistry& registry, DatasetCache& datasets, const fs::path& dir,
                 const EarlierRuns& earlier, RunRecord& record) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_seconds();
  bool dataset_unusable = false;
  try {
    const TrainedNetwork* reuse = earlier.trained(run.training_id);
    if (reuse) spdlog::info("run {} measures the network run #{} trained", run.id, reuse->index);
    run_one(run.run_config, registry, datasets, dir, reuse, record);
    record.status = RunStatus::ok;
  } catch (const RunDiverged& error) {
    record.status = RunStatus::diverged;
    record.error = error.what();
    record.training.diverged_at_step = error.step();
  } catch (const DatasetUnavailable& error) {
    record.status = RunStatus::failed;
    record.error = error.what();
    dataset_unusable = true;
  } catch (const std::exception& error) {
    record.status = RunStatus::failed;
    record.error = error.what();
  }
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  record.timings["total"] = record.seconds;
  record.cpu_timings["total"] = process_cpu_seconds() - cpu_start;
  record.peak_rss_bytes = peak_resident_bytes();
  return dataset_unusable;
}

}  // namespace gcbench
