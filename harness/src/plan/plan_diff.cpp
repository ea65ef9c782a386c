#include "plan/plan_diff.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "config/config_difference.hpp"

namespace gcbench {
using nlohmann::json;

namespace {

std::string shown(const std::optional<json>& value) { return value ? value->dump() : std::string("(absent)"); }

std::vector<std::string> changed_keys(const json& before, const json& after) {
  std::vector<std::string> out;
  for (const auto& difference : config_differences(before, after)) {
    if (difference.key.rfind("runtime.", 0) == 0) continue;  // threads change speed, not results
    out.push_back(fmt::format("{} {} -> {}", difference.key, shown(difference.first), shown(difference.second)));
  }
  return out;
}

}  // namespace

std::vector<std::string> plan_differences(const json& recorded, const json& planned) {
  std::vector<std::string> out;
  if (!recorded.is_array() || !planned.is_array()) return {"a plan is not a list of runs"};
  if (recorded.size() != planned.size()) {
    out.push_back(fmt::format("the folder's plan has {} runs, the suite now plans {}", recorded.size(), planned.size()));
  }
  const std::size_t shared = std::min(recorded.size(), planned.size());
  for (std::size_t i = 0; i < shared; ++i) {
    const json& was = recorded[i];
    const json& now = planned[i];
    if (was.value("run_id", std::string()) == now.value("run_id", std::string())) continue;
    const auto keys = changed_keys(was.value("config", json::object()), now.value("config", json::object()));
    out.push_back(fmt::format("run {}: {}", i,
                              keys.empty() ? std::string("its run id changed") : fmt::format("{}", fmt::join(keys, ", "))));
    if (out.size() >= 20) {
      out.push_back("... (more runs differ)");
      break;
    }
  }
  return out;
}

}  // namespace gcbench
