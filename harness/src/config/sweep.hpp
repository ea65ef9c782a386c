// A suite's [sweep] table read into grid axes: one key's list, or several keys'
// lists zipped together ([[sweep.zip]]), each value checked against the
// declaration of the key it sweeps.
#pragma once

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gcbench/sdk/options.hpp"

namespace gcbench {

// One dimension of the sweep grid, where point i takes value i of every key's list.
struct SweepAxis {
  std::vector<std::string> keys;                    // dotted paths, e.g. "training.lr"
  std::vector<std::vector<nlohmann::json>> points;  // points[i][k]: keys[k]'s value at point i
};

// The declaration a swept key must satisfy, or nullptr once it has reported why none.
using SweptKeySpec = std::function<const OptionSpec*(const std::string& key, const toml::node& where)>;
// Takes one problem, at a node of the suite (for its file:line:column).
using ReportProblem = std::function<void(const toml::node& where, std::string message)>;

// The axes in file order; every problem goes to `report`, and an axis with a
// problem is left out.
std::vector<SweepAxis> read_sweep(const toml::table& sweep, const SweptKeySpec& spec_for, const ReportProblem& report);

// Every swept key with its list as written, [[sweep.zip]] lists included, unchecked.
std::vector<std::pair<std::string, const toml::node*>> swept_lists(const toml::table& sweep);

// The number of runs a grid gives per seed: the product of its axes' lengths.
std::size_t sweep_points(const std::vector<SweepAxis>& axes);

// The same product, or nullopt when it does not fit in a size_t.
std::optional<std::size_t> checked_sweep_points(const std::vector<SweepAxis>& axes);

}  // namespace gcbench
