#include "config/key_combinations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "config/harness_schema.hpp"

namespace gcbench {
namespace {

using nlohmann::json;

// The values `key` takes over the plan: its swept values when an axis sweeps it,
// else its one resolved value. `axis` is that axis's index, or none.
struct KeyValues {
  std::optional<std::size_t> axis;
  std::vector<json> values;  // one per point of `axis`, or the one base value
};

KeyValues values_of(const std::string& key, const json& base, const std::vector<SweepAxis>& sweep) {
  for (std::size_t a = 0; a < sweep.size(); ++a) {
    const auto& keys = sweep[a].keys;
    const auto k = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
    if (k == keys.size()) continue;
    KeyValues swept{a, {}};
    for (const auto& point : sweep[a].points) swept.values.push_back(point[k]);
    return swept;
  }
  return {std::nullopt, {base.at(key_pointer(key))}};
}

// Whether some planned run gives `first` and `second` values that `bad` refuses.
// Keys on one axis advance together; keys on different axes (or not swept) meet
// in every combination.
bool some_run_has(const KeyValues& first, const KeyValues& second, const std::function<bool(const json&, const json&)>& bad) {
  if (first.axis && first.axis == second.axis) {
    for (std::size_t i = 0; i < first.values.size(); ++i) {
      if (bad(first.values[i], second.values[i])) return true;
    }
    return false;
  }
  for (const auto& a : first.values) {
    for (const auto& b : second.values) {
      if (bad(a, b)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<KeyCombinationProblem> key_combination_problems(const json& base, const std::vector<SweepAxis>& sweep) {
  std::vector<KeyCombinationProblem> problems;
  // Nesterov's look-ahead is along the momentum buffer; without momentum there is none.
  const auto nesterov = values_of("training.nesterov", base, sweep);
  const auto momentum = values_of("training.momentum", base, sweep);
  if (some_run_has(nesterov, momentum, [](const json& n, const json& m) { return n.get<bool>() && m.get<double>() <= 0; })) {
    problems.push_back({momentum.axis ? "training.momentum" : "training.nesterov",
                        fmt::format("training.nesterov = true needs training.momentum > 0, and {} plans a run with "
                                    "momentum 0; set a momentum or turn Nesterov off",
                                    momentum.axis || nesterov.axis ? "the sweep" : "this suite")});
  }
  return problems;
}

}  // namespace gcbench
