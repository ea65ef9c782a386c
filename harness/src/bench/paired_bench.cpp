#include "bench/paired_bench.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "record/bench_file.hpp"
#include "util/atomic_file.hpp"
#include "util/child_process.hpp"
#include "util/progress.hpp"
#include "util/text_file.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string tail(const std::string& text, std::size_t bytes) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

std::string text_of(const json& identity, const char* key) {
  if (!identity.contains(key)) return "(none)";
  return identity[key].is_string() ? identity[key].get<std::string>() : identity[key].dump();
}

// One side's bench, once: every case one repetition, into `json_file`.
double run_side(const PairedBenchSide& side, const std::vector<std::string>& bench_arguments, const fs::path& json_file,
                const std::string& which, int round) {
  std::vector<std::string> argv = {side.gcbench.string(), "bench", "--repetitions", "1", "--json", json_file.string()};
  argv.insert(argv.end(), bench_arguments.begin(), bench_arguments.end());
  for (const auto& folder : side.plugin_folders) {
    argv.push_back("--plugin-path");
    argv.push_back(folder);
  }
  ChildOptions options;
  auto log = json_file;
  options.output_file = log.replace_extension(".log");
  const auto start = std::chrono::steady_clock::now();
  const auto exit = run_child(argv, options);
  if (exit.exit_code != 0) {
    throw std::runtime_error(fmt::format("the {}'s bench ({}) failed in round {} with {}; its output, {}:\n{}", which,
                                         side.gcbench.string(), round + 1, describe(exit), options.output_file->string(),
                                         tail(read_text_file(*options.output_file), 2000)));
  }
  return seconds_since(start);
}

// A round's file, its rows renumbered as repetition `round` of `rounds`.
json round_rows(const fs::path& file, int round, int rounds, json* context) {
  json doc;
  try {
    doc = json::parse(read_text_file(file));
  } catch (const json::exception& error) {
    throw std::runtime_error(fmt::format("{} (a round's bench file) is not JSON: {}", file.string(), error.what()));
  }
  if (context && context->is_null()) *context = doc.value("context", json::object());
  json rows = json::array();
  for (auto row : doc.value("benchmarks", json::array())) {
    if (row.value("run_type", "iteration") != "iteration") continue;
    row["repetition_index"] = round;
    row["repetitions"] = rounds;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

json probe_gcbench(const fs::path& executable) {
  const auto refuse = [&](const std::string& why) {
    return AgainstRefused(fmt::format("--against {}: {}", executable.string(), why));
  };
  std::error_code error;
  const auto status = fs::status(executable, error);
  if (!fs::exists(status)) throw refuse("no such file");
  if (fs::is_directory(status)) throw refuse("a folder; give the gcbench executable (e.g. BUILD/gcbench)");
  if ((status.permissions() & fs::perms::owner_exec) == fs::perms::none) throw refuse("not executable");
  const auto answer_file = fs::temp_directory_path() / fmt::format("gcbench-probe-{}.txt", ::getpid());
  ChildOptions options;
  options.output_file = answer_file;
  const auto exit = run_child({executable.string(), "version", "--json"}, options);
  const auto answer = fs::exists(answer_file) ? read_text_file(answer_file) : std::string();
  fs::remove(answer_file, error);
  const auto not_gcbench = [&](const std::string& why) {
    return refuse(
        fmt::format("{}; it is not gcbench, or a gcbench from before `gcbench version` (revision a8425ac), which "
                    "cannot be paired: build a newer revision as the baseline. It answered `version --json` with: {}",
                    why, tail(answer, 300)));
  };
  if (exit.exit_code != 0) throw not_gcbench(describe(exit));
  // The JSON object it printed; a LibTorch warning may come before it.
  const auto open = answer.find('{'), close = answer.rfind('}');
  json identity;
  if (open == std::string::npos || close == std::string::npos || close < open) throw not_gcbench("no JSON object");
  try {
    identity = json::parse(answer.substr(open, close - open + 1));
  } catch (const json::exception&) {
    throw not_gcbench("no JSON object");
  }
  if (!identity.is_object() || identity.value("program", "") != "gcbench") throw not_gcbench("no \"program\": \"gcbench\"");
  return identity;
}

void check_pairable(const json& ours, const json& other, const fs::path& executable) {
  for (const char* key : {"libtorch_version", "libtorch_cuda_version"}) {
    if (text_of(ours, key) != text_of(other, key)) {
      throw AgainstRefused(
          fmt::format("--against {}: its {} is {}, this gcbench's {}: the times would compare LibTorches, not gcbench's code; "
                      "build both against one LibTorch",
                      executable.string(), key, text_of(other, key), text_of(ours, key)));
    }
  }
  for (const char* key : {"record_schema", "paired_bench_format"}) {
    if (!other.contains(key) || !other[key].is_number_integer()) {
      throw AgainstRefused(
          fmt::format("--against {}: its `version --json` has no integer {}; rebuild it from a revision "
                      "of this gcbench's",
                      executable.string(), key));
    }
    if (other[key].get<int>() > ours.value(key, 0)) {
      throw AgainstRefused(
          fmt::format("--against {}: its {} is {}, newer than this gcbench's {}; run the newer gcbench with --against the older",
                      executable.string(), key, other[key].get<int>(), ours.value(key, 0)));
    }
  }
}

void run_paired_bench(const PairedBenchOptions& options) {
  if (options.rounds < 1) throw std::invalid_argument("run_paired_bench: rounds must be at least 1");
  const fs::path rounds_folder = options.out.string() + ".rounds";
  fs::remove_all(rounds_folder);
  fs::create_directories(rounds_folder);
  json sides[2] = {json::array(), json::array()};  // baseline, contender
  json contexts[2];
  json first = json::array();
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < options.rounds; ++round) {
    // ABBA: the side that ran second in one round runs first in the next.
    const bool baseline_first = round % 2 == 0;
    first.push_back(baseline_first ? "baseline" : "contender");
    double seconds[2] = {0, 0};
    for (const int side : baseline_first ? std::vector<int>{0, 1} : std::vector<int>{1, 0}) {
      const char* which = side == 0 ? "baseline" : "contender";
      const auto file = rounds_folder / fmt::format("round-{:03d}-{}.json", round + 1, which);
      seconds[side] = run_side(side == 0 ? options.baseline : options.contender, options.bench_arguments, file, which, round);
      for (auto& row : round_rows(file, round, options.rounds, &contexts[side])) sides[side].push_back(std::move(row));
    }
    fmt::print(stderr, "round {}/{} ({} first): baseline {:.1f} s, contender {:.1f} s; ETA {}\n", round + 1, options.rounds,
               baseline_first ? "baseline" : "contender", seconds[0], seconds[1],
               eta(seconds_since(start), round + 1, options.rounds));
  }
  json paired = {
      {"format", kPairedFormat},
      {"rounds", options.rounds},
      {"order", "ABBA: each side's bench in its own process, once per round, the first side alternating"},
      {"first", first},
      {"baseline",
       {{"binary", options.baseline.gcbench.string()},
        {"plugin_folders", options.baseline.plugin_folders},
        {"context", contexts[0]},
        {"benchmarks", sides[0]}}},
      {"contender", {{"binary", options.contender.gcbench.string()}, {"plugin_folders", options.contender.plugin_folders}}}};
  json doc = {{"context", contexts[1]}, {"benchmarks", sides[1]}, {kPairedKey, std::move(paired)}};
  write_file_atomically(options.out, doc.dump(2) + "\n");
  fs::remove_all(rounds_folder);
}

}  // namespace gcbench
