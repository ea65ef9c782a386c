// The table `gcbench run` prints when a suite finishes: one row per run.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace gcbench {

// Columns: each swept key, seed, status, source GC (per estimator), source and
// target NC (CDNV), test accuracy, each classifier's k-shot accuracy with its 95% CI, seconds.
std::string summary_table(const std::vector<nlohmann::json>& records);

}  // namespace gcbench
