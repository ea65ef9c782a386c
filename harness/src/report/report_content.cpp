#include "report/report_content.hpp"

#include <fmt/format.h>

#include <set>

namespace gcbench {

ReportContent gather_report(const SuiteResults& results, const std::filesystem::path& plots_dir) {
  ReportContent c;
  c.results_folder = results.folder;
  c.warnings = results.warnings;
  c.headline = choose_headline(results.records);
  const auto groups = group_runs(results.records, c.headline);
  c.has_variants = groups.size() > 1 || !groups.front().variant.empty();
  c.checks = check_mechanism(groups);
  for (const auto& check : c.checks) c.several_splits = c.several_splits || check.splits > 1;
  c.dose = dose_response(groups, c.headline);
  c.dose_figures = draw_dose_response(c.dose, plots_dir);
  c.figures = draw_figures(groups, c.headline, plots_dir);
  c.runs = run_table(results.records);

  std::set<std::string> revisions, versions, inputs;
  for (const auto& r : results.records) {
    const bool pixels = r.config.contains("measure") && r.config["measure"].value("gc_input", "") == "pixels";
    inputs.insert(pixels ? "pixels in [0, 1]" : "the standardised input the network sees");
    c.suite = r.suite;
    if (c.description.empty()) c.description = r.description;
    (r.status == RunStatus::ok         ? c.ok
     : r.status == RunStatus::diverged ? c.diverged
     : r.status == RunStatus::crashed  ? c.crashed
                                       : c.failed) += 1;
    c.run_seconds += r.seconds;
    revisions.insert(r.provenance.git_revision);
    const auto& p = r.provenance;
    versions.insert(fmt::format("gcbench {}, LibTorch {}{}", p.gcbench_version, p.libtorch_version,
                                p.libtorch_cuda_version.empty()
                                    ? ""
                                    : fmt::format(" (CUDA {}, cuDNN {})", p.libtorch_cuda_version, p.libtorch_cudnn_version)));
    if (c.started.empty() || r.started_at < c.started) c.started = r.started_at;
    if (r.started_at > c.last_started) c.last_started = r.started_at;
    if (r.status != RunStatus::ok)
      c.not_ok.push_back(fmt::format("run {} ({}): **{}**: {}", r.index, r.run_id, to_string(r.status), r.error));
  }
  for (const auto& run : results.not_run) {
    const std::string variant = run.value("variant", std::string());
    c.not_run.push_back(fmt::format("run {} ({}){}, seed {}: {}", run.value("index", std::size_t{0}),
                                    run.value("run_id", std::string("?")), variant.empty() ? "" : ", variant " + variant,
                                    run.value("seed", std::int64_t{0}), run.value("swept", nlohmann::json::object()).dump()));
  }
  c.gc_input = fmt::format("{}", fmt::join(inputs, "; in some runs, "));
  c.revisions = fmt::format("{}", fmt::join(revisions, ", "));
  c.versions = fmt::format("{}", fmt::join(versions, "; "));
  return c;
}

}  // namespace gcbench
