// Whether a results folder still belongs to a suite: its plan.json against the
// runs the suite plans now, for resume and merge.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "plan/plan.hpp"

namespace gcbench {

// One line per difference, naming the run and each key whose value changed
// ("run 3: training.lr 0.1 -> 0.2"); empty when both plan the same runs (the
// same run ids in the same places; runtime keys such as threads may differ).
std::vector<std::string> plan_differences(const nlohmann::json& recorded, const nlohmann::json& planned);

}  // namespace gcbench
