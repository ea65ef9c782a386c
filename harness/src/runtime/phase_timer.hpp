// The wall and CPU time of each phase of a run (load_data, build, train, gc,
// ...), added to the record's timings also when the phase throws, so a run that
// fails part-way still says where its time went.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "runtime/process_usage.hpp"
#include "util/progress.hpp"

namespace gcbench {

class PhaseTimer {
 public:
  PhaseTimer(std::map<std::string, double>& wall_seconds, std::map<std::string, double>& cpu_seconds)
      : wall_(wall_seconds), cpu_(cpu_seconds) {}

  // Runs `work`, adding its time to `phase`, and returns what it returns.
  template <class Work>
  auto operator()(const char* phase, Work&& work) {
    for (const char* measuring : {"accuracy", "embed", "nc", "fewshot"}) {
      if (std::string_view(phase) == measuring) spdlog::info("measuring: {}", phase);
    }
    const Finish finish{wall_, cpu_, phase};
    return work();
  }

 private:
  struct Finish {
    std::map<std::string, double>& wall;
    std::map<std::string, double>& cpu;
    const char* phase;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double cpu_start = process_cpu_seconds();
    ~Finish() {
      wall[phase] += seconds_since(start);
      cpu[phase] += process_cpu_seconds() - cpu_start;
    }
  };

  std::map<std::string, double>& wall_;
  std::map<std::string, double>& cpu_;
};

}  // namespace gcbench
