// `gcbench data verify|prepare|fetch NAME [ROOT]`: gets a dataset's files
// (fetch: its public archives; prepare --from: built from data the user has),
// then loads every split (building a plugin's caches), runs the dataset
// conformance checks on what it loaded and prints the data digest runs record.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "config/plugin_options.hpp"
#include "conformance/checks.hpp"
#include "data/data_digest.hpp"
#include "fetch/fetch_dataset.hpp"
#include "runner/dataset_cache.hpp"
#include "util/progress.hpp"

namespace gcbench::cli {
namespace fs = std::filesystem;

namespace {

fs::path required_root(const DataArguments& arguments, const fs::path& root) {
  if (root.empty()) {
    throw std::runtime_error(
        fmt::format("no folder to {} {} into: give ROOT or set GCBENCH_DATA", arguments.action, arguments.name));
  }
  return root;
}

// A dataset as the plugin loads it, and the conformance checks run on it.
struct CheckedData {
  std::shared_ptr<Dataset> dataset;
  std::vector<CheckResult> results;
  bool passed() const {
    return std::all_of(results.begin(), results.end(), [](const CheckResult& check) { return check.passed; });
  }
};

CheckedData check_data(const PluginRegistry& registry, const DataArguments& arguments, const fs::path& root,
                       const Options& options) {
  CheckedData checked;
  checked.dataset = registry.create_dataset(arguments.name, root, options);
  checked.results = check_dataset(*checked.dataset);
  return checked;
}

void fetch(const DataArguments& arguments, const PluginInfo& info, const fs::path& root) {
  FetchRequest request;
  request.dataset = arguments.name;
  request.archives = info.archives;
  request.root = required_root(arguments, root);
  if (!arguments.url.empty()) request.url = arguments.url;
  if (!arguments.mirror.empty()) request.mirror = arguments.mirror;
  if (!arguments.sha256.empty()) request.sha256 = arguments.sha256;
  request.keep_archives = arguments.keep_archives;
  if (info.archives.empty() && !request.url && info.prepare) {
    throw std::runtime_error(
        fmt::format("{} has no public download; build it with `gcbench data prepare {} ROOT --from "
                    "DIR`, DIR being {}",
                    arguments.name, arguments.name, info.prepare_source));
  }
  fetch_dataset(request);
}

void prepare_from(const DataArguments& arguments, const PluginInfo& info, const fs::path& root) {
  if (!info.prepare) {
    throw std::runtime_error(
        fmt::format("{} cannot be built from another dataset (--from); `gcbench data prepare {}` "
                    "without --from decodes its files into its cache",
                    arguments.name, arguments.name));
  }
  if (!fs::exists(arguments.from)) {
    throw std::runtime_error(fmt::format("--from {}: not found; give {}", arguments.from, info.prepare_source));
  }
  PrepareRequest request;
  request.source = arguments.from;
  request.root = required_root(arguments, root);
  fs::create_directories(request.root);
  request.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ProgressLine line(10);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t last_total = 0;
  request.progress = [&](std::int64_t done, std::int64_t total) {
    last_total = total;
    if (!line.due()) return;
    const double elapsed = seconds_since(start);
    line.update(fmt::format("prepare {} {}/{} images {:.0f} img/s ETA {}", arguments.name, done, total,
                            elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0,
                            eta(elapsed, static_cast<double>(done), static_cast<double>(total))));
  };
  info.prepare(request);
  line.finish(fmt::format("prepared {} images of {} in {} ({})", last_total, arguments.name,
                          format_duration(seconds_since(start)), request.root.string()));
}

}  // namespace

int data_command(const DataArguments& arguments) {
  const auto registry = discover_plugins(arguments.plugin_folders);
  std::vector<Override> given;
  for (const auto& text : arguments.overrides) given.push_back(parse_override(text));
  const auto& plugin = registry.find(PluginKind::dataset, arguments.name);
  const auto options = plugin_options(plugin, given);
  const auto root = resolve_data_root(arguments.root, arguments.name);

  const auto start = std::chrono::steady_clock::now();
  std::optional<CheckedData> checked;
  if (arguments.action == "fetch") {
    if (!arguments.force && !root.empty() && fs::exists(root)) {
      try {
        checked = check_data(registry, arguments, root, options);
      } catch (const std::exception&) {
        // missing or damaged: what fetch is for
      }
    }
    if (checked && checked->passed()) {
      fmt::print("{} at {} already verifies; nothing to fetch (--force fetches it again)\n", arguments.name, root.string());
    } else {
      checked.reset();
      fetch(arguments, plugin.info, root);
    }
  }
  if (arguments.action == "prepare" && !arguments.from.empty()) prepare_from(arguments, plugin.info, root);

  if (!checked) checked = check_data(registry, arguments, root, options);
  const auto shape = checked->dataset->image_shape();
  fmt::print("{} {} at {}: images {}x{}x{}\n", arguments.action == "verify" ? "verifying" : "checking", arguments.name,
             root.empty() ? "its default location" : root.string(), shape.channels, shape.height, shape.width);
  const bool passed = print_checks(checked->results);
  const double seconds = seconds_since(start);
  if (!passed) {
    fmt::print(stderr, "{}: not usable ({:.2f} s); see the failed checks above\n", arguments.name, seconds);
    return 1;
  }
  fmt::print("data digest {} (what runs on this data record as data_digest)\n", data_digest(*checked->dataset));
  for (const auto& [what, source] : checked->dataset->data_sources()) {
    fmt::print("data source {}: {} (runs record it in data_sources)\n", what, source);
  }
  fmt::print("{}: ok ({:.2f} s)\n", arguments.name, seconds_since(start));
  return 0;
}

}  // namespace gcbench::cli
