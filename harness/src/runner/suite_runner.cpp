#include "runner/suite_runner.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <map>

#include "config/run_config.hpp"
#include "plugins/plugin_registry.hpp"
#include "record/provenance.hpp"
#include "record/record_writer.hpp"
#include "runner/run_one.hpp"
#include "runtime/process_tuning.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path make_results_dir(const fs::path& root, const std::string& suite) {
  const fs::path base = root / suite / utc_timestamp(true);
  fs::path dir = base;
  for (int attempt = 2; fs::exists(dir); ++attempt) dir = base.string() + "-" + std::to_string(attempt);
  fs::create_directories(dir);
  return dir;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          const fs::path& results_root) {
  SuiteRunSummary summary;
  summary.results_dir = make_results_dir(results_root, suite.name);
  {
    std::ostringstream resolved;
    resolved << suite.table << '\n';
    write_text(summary.results_dir / "suite.resolved.toml", resolved.str());
    json plan = json::array();
    for (const auto& run : runs) plan.push_back({{"index", run.index}, {"run_id", run.id}, {"variant", run.variant}, {"seed", run.seed},
                                                 {"swept", run.swept}, {"config", run.config}});
    write_text(summary.results_dir / "plan.json", plan.dump(2) + "\n");
  }
  RecordWriter writer(summary.results_dir / "runs.jsonl");
  std::map<std::string, json> measured;  // run id -> the record of the run that trained and measured it
  DatasetCache datasets(registry);

  for (std::size_t position = 0; position < runs.size(); ++position) {
    const auto& run = runs[position];
    const RunConfig config = to_run_config(run.config, registry);
    const int threads = apply_threads(config.threads);
    // A subset of the plan (e.g. a cut-down test) still names each run's place in the plan.
    spdlog::info("run {}/{}{} [{}] {}seed {} {}", position + 1, runs.size(),
                 run.index == position ? "" : fmt::format(" (plan #{})", run.index), run.id,
                 run.variant.empty() ? "" : "variant " + run.variant + " ", run.seed, run.swept.dump());

    json record = {{"run_id", run.id},        {"suite", suite.name},        {"index", run.index},
                   {"variant", run.variant},  {"description", suite.description},
                   {"seed", run.seed},        {"swept", run.swept},         {"config", run.config},
                   {"started_at", utc_timestamp()}, {"provenance", provenance(threads)}};
    json plugins = {{"dataset", {{"name", config.dataset.plugin},
                                 {"version", registry.find(PluginKind::dataset, config.dataset.plugin).info.version}}},
                    {"architecture", {{"name", config.architecture.plugin},
                                      {"version", registry.find(PluginKind::architecture, config.architecture.plugin).info.version}}}};
    for (const auto& estimator : config.measure.gc_estimators) {
      plugins["gc_estimators"][estimator.plugin] = registry.find(PluginKind::gc_estimator, estimator.plugin).info.version;
    }
    record["provenance"]["plugins"] = plugins;

    const auto start = std::chrono::steady_clock::now();
    bool data_unusable = false;
    const fs::path run_dir = summary.results_dir / "runs" / fmt::format("{:03d}-{}", run.index, run.id);
    record["run_dir"] = fs::relative(run_dir, summary.results_dir).string();
    const auto earlier = measured.find(run.id);
    try {
      fs::create_directories(run_dir);
      write_text(run_dir / "config.json", run.config.dump(2) + "\n");
      if (earlier != measured.end()) {
        // Variants often share a point (the base value of each swept key); the same
        // resolved config and seed would train and measure the same network again.
        for (const auto& [key, value] : earlier->second.items()) {
          if (!record.contains(key) && key != "seconds") record[key] = value;  // what it measured, not where it sits in the plan
        }
        record["reused_from"] = {{"index", earlier->second["index"]}, {"run_dir", earlier->second["run_dir"]}};
        spdlog::info("run {} is run #{} of this suite again: its record is reused", run.id,
                     earlier->second["index"].get<std::size_t>());
        if (record["status"] == "diverged") ++summary.diverged;
      } else {
        record.update(run_one(config, registry, datasets, run_dir));
        record["status"] = "ok";
      }
    } catch (const RunDiverged& diverged) {
      record["status"] = "diverged";
      record["error"] = diverged.what();
      record["training"]["diverged_at_step"] = diverged.step();
      ++summary.diverged;
    } catch (const DatasetUnavailable& error) {
      record["status"] = "failed";
      record["error"] = error.what();
      ++summary.failed;
      data_unusable = true;
    } catch (const std::exception& error) {
      record["status"] = "failed";
      record["error"] = error.what();
      ++summary.failed;
    }
    record["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!record.contains("reused_from")) record["timings"]["total"] = record["seconds"];
    writer.append(record);
    write_text(run_dir / "record.json", record.dump(2) + "\n");
    summary.records.push_back(record);
    if (record["status"] != "failed" && !measured.count(run.id)) measured.emplace(run.id, record);
    if (record["status"] != "ok") spdlog::error("run {} {}: {}", run.id, record["status"].get<std::string>(), record["error"].get<std::string>());
    if (data_unusable) {
      spdlog::error("stopping the suite: no later run can load this dataset either");
      break;
    }
  }
  return summary;
}

}  // namespace gcbench
