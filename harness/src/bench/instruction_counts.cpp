#include "bench/instruction_counts.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "record/bench_file.hpp"
#include "util/atomic_file.hpp"
#include "util/child_process.hpp"
#include "util/text_file.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

std::map<std::string, double> read_callgrind_dumps(const fs::path& folder) {
  std::map<std::string, std::pair<double, double>> totals;  // case -> instructions, iterations
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().filename().string().rfind("callgrind.out", 0) != 0) continue;
    std::ifstream in(entry.path());
    std::string line, label;
    double instructions = -1;
    const std::string trigger = "desc: Trigger: Client Request: ";
    while (std::getline(in, line)) {
      if (line.rfind(trigger, 0) == 0) label = line.substr(trigger.size());
      for (const char* key : {"summary: ", "totals: "}) {
        if (line.rfind(key, 0) == 0 && instructions < 0) instructions = std::stod(line.substr(std::string(key).size()));
      }
    }
    const auto hash = label.rfind('#');
    if (hash == std::string::npos || instructions < 0) continue;  // the dump at exit, or another trigger
    auto& [sum, iterations] = totals[label.substr(0, hash)];
    sum += instructions;
    iterations += std::stod(label.substr(hash + 1));
  }
  std::map<std::string, double> out;
  for (const auto& [name, total] : totals) {
    if (total.second > 0) out[name] = total.first / total.second;
  }
  return out;
}

namespace {

// The cases `filter` chooses, as `gcbench bench --list` names them natively (no calibration: counts need none).
std::vector<std::string> chosen_cases(const InstructionBenchOptions& options, const fs::path& folder) {
  std::vector<std::string> argv = {options.gcbench.string(), "bench", "--list", "--device=cpu"};
  if (!options.filter.empty()) argv.push_back("--filter=" + options.filter);
  argv.insert(argv.end(), options.plugin_arguments.begin(), options.plugin_arguments.end());
  ChildOptions child;
  child.output_file = folder / "list.log";
  const auto exit = run_child(argv, child);
  const auto listed = read_text_file(*child.output_file);
  if (exit.exit_code != 0) {
    throw std::runtime_error(fmt::format("listing the cases failed with {}:\n{}", describe(exit), listed));
  }
  std::vector<std::string> cases;
  std::istringstream lines(listed);
  for (std::string line; std::getline(lines, line);) {
    // Google Benchmark lists one name a line; gcbench's own lines ("left out: ...") have spaces.
    if (line.empty() || line.find(' ') != std::string::npos) continue;
    const auto name = case_name(line);
    if (!is_calibration_case(name)) cases.push_back(name);
  }
  return cases;
}

// `name` as a regular expression that matches it alone.
std::string exactly(const std::string& name) {
  std::string out = "^";
  for (char c : name) {
    if (std::string_view(".[]{}()\\*+?|^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out + "$";
}

}  // namespace

void run_instruction_bench(const InstructionBenchOptions& options) {
  const fs::path folder = options.out.string() + ".callgrind";
  fs::remove_all(folder);
  fs::create_directories(folder);
  const auto cases = chosen_cases(options, folder);
  if (cases.empty()) {
    throw std::runtime_error(fmt::format(
        "no case to count matched --filter '{}' (calibration cases are never counted); `gcbench bench --list` lists them",
        options.filter));
  }
  json doc;
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < cases.size(); ++k) {
    // One callgrind process a case: a case's set-up and warm-up then run uninstrumented, at native
    // speed (instrumentation, once on, stays on for the rest of a process).
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print(stderr, "[{}/{}] {} ({:.0f} s so far)\n", k + 1, cases.size(), cases[k], seconds);
    const auto dumps = folder / std::to_string(k);
    fs::create_directories(dumps);
    const auto child_json = dumps / "bench.json";
    std::vector<std::string> argv = {"valgrind",
                                     "--tool=callgrind",
                                     "--instr-atstart=no",
                                     "--collect-atstart=no",
                                     "--callgrind-out-file=" + (dumps / "callgrind.out").string(),
                                     options.gcbench.string(),
                                     "bench",
                                     "--filter=" + exactly(cases[k]),
                                     "--repetitions=1",
                                     "--min-time=1e-9",
                                     "--warmup=0",
                                     "--threads=1",
                                     "--device=cpu",
                                     "--json=" + child_json.string()};
    argv.insert(argv.end(), options.plugin_arguments.begin(), options.plugin_arguments.end());
    ChildOptions child;
    child.search_path = true;
    child.output_file = dumps / "valgrind.log";
    const auto exit = run_child(argv, child);
    if (exit.exit_code == 127) {
      throw std::runtime_error(
          "--instructions runs the cases under valgrind's callgrind, and valgrind is not on PATH "
          "(Debian: apt-get install valgrind)");
    }
    if (exit.exit_code != 0) {
      const auto log = read_text_file(*child.output_file);
      throw std::runtime_error(fmt::format("{} under callgrind failed with {}; its output, {}:\n{}", cases[k], describe(exit),
                                           child.output_file->string(),
                                           log.size() > 2000 ? "..." + log.substr(log.size() - 2000) : log));
    }
    const auto counts = read_callgrind_dumps(dumps);
    json part = json::parse(read_text_file(child_json));
    if (doc.is_null()) {
      doc = part;
      doc["benchmarks"] = json::array();
    }
    for (auto& row : part["benchmarks"]) {
      if (const auto count = counts.find(case_name(row.value("run_name", row.value("name", "")))); count != counts.end()) {
        row["instructions"] = count->second;
      }
      doc["benchmarks"].push_back(row);
    }
  }
  doc["context"]["gcbench_instructions"] =
      "callgrind Ir per iteration, one iteration per case, each case in its own process, 1 thread; times are under valgrind";
  write_file_atomically(options.out, doc.dump(2) + "\n");
  fs::remove_all(folder);
}

}  // namespace gcbench
