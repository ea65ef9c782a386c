#include "plan/plan_diff.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace gcbench {
using nlohmann::json;

namespace {

// "/training/lr" -> "training.lr"
std::string dotted(const std::string& pointer) {
  std::string key = pointer.substr(pointer.empty() ? 0 : 1);
  std::replace(key.begin(), key.end(), '/', '.');
  return key;
}

std::vector<std::string> changed_keys(const json& before, const json& after) {
  const json a = before.is_object() ? before.flatten() : json::object();
  const json b = after.is_object() ? after.flatten() : json::object();
  std::set<std::string> keys;
  for (const auto& [key, unused] : a.items()) keys.insert(key);
  for (const auto& [key, unused] : b.items()) keys.insert(key);
  std::vector<std::string> out;
  for (const auto& key : keys) {
    if (key.rfind("/runtime/", 0) == 0) continue;
    const json old_value = a.contains(key) ? a[key] : json("(absent)");
    const json new_value = b.contains(key) ? b[key] : json("(absent)");
    if (old_value != new_value) out.push_back(fmt::format("{} {} -> {}", dotted(key), old_value.dump(), new_value.dump()));
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
    out.push_back(fmt::format("run {}: {}", i, keys.empty() ? std::string("its run id changed") : fmt::format("{}", fmt::join(keys, ", "))));
    if (out.size() >= 20) {
      out.push_back("... (more runs differ)");
      break;
    }
  }
  return out;
}

}  // namespace gcbench
