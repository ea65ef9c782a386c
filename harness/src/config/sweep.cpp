#include "config/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "config/harness_schema.hpp"
#include "config/option_values.hpp"
#include "util/checked_arithmetic.hpp"

namespace gcbench {
using nlohmann::json;

namespace {

void flatten(const toml::table& table, const std::string& prefix, std::vector<std::pair<std::string, const toml::node*>>& out) {
  for (const auto& [name, node] : table) {
    const std::string key = prefix + std::string(name.str());
    if (const auto* nested = node.as_table()) {
      flatten(*nested, key + ".", out);
    } else {
      out.emplace_back(key, &node);
    }
  }
}

class SweepReader {
 public:
  SweepReader(const SweptKeySpec& spec_for, const ReportProblem& report) : spec_for_(spec_for), report_(report) {}

  std::vector<SweepAxis> read(const toml::table& sweep) {
    collect_axes(sweep, "");
    return std::move(axes_);
  }

 private:
  // The checked values of one sweep list, or nullopt with the problems reported.
  std::optional<std::vector<json>> values_of(const std::string& key, const toml::node& node) {
    const auto* values = node.as_array();
    if (!values || values->empty()) {
      report_(node, fmt::format("sweep key '{}' needs a non-empty list of values", key));
      return std::nullopt;
    }
    const OptionSpec* spec = spec_for_(key, node);
    if (!spec) return std::nullopt;
    std::vector<json> out;
    for (const auto& element : *values) {
      std::string problem;
      if (auto value = to_option_value(element, *spec, problem)) {
        out.push_back(to_json(*value));
      } else {
        report_(element, fmt::format("sweep value for '{}' {}", key, problem));
      }
    }
    if (out.size() != values->size()) return std::nullopt;
    return out;
  }

  void collect_axes(const toml::table& table, const std::string& prefix) {
    for (const auto& [name, node] : table) {
      const std::string key = prefix + std::string(name.str());
      if (prefix.empty() && key == kZip) {
        collect_zipped_axes(node);
        continue;
      }
      if (const auto* nested = node.as_table()) {
        collect_axes(*nested, key + ".");
        continue;
      }
      if (auto values = values_of(key, node)) {
        SweepAxis axis{{key}, {}};
        for (auto& value : *values) axis.points.push_back({std::move(value)});
        add_axis(std::move(axis), node);
      }
    }
  }

  // [[sweep.zip]] tables: each is one axis whose lists advance together.
  void collect_zipped_axes(const toml::node& node) {
    const auto* tables = node.as_array();
    if (!tables || !tables->is_array_of_tables()) {
      report_(node, "'sweep.zip' takes tables of equally long lists: write [[sweep.zip]] then one list per key");
      return;
    }
    for (const auto& element : *tables) {
      SweepAxis axis;
      std::size_t length = 0;
      bool complete = true;
      std::vector<std::pair<std::string, const toml::node*>> lists;
      flatten(*element.as_table(), "", lists);
      for (const auto& [key, list] : lists) {
        auto values = values_of(key, *list);
        if (!values) {
          complete = false;
          continue;
        }
        if (axis.keys.empty()) length = values->size();
        if (values->size() != length) {
          report_(*list, fmt::format("zipped sweep list '{}' has {} values, but '{}' has {}; zipped lists advance "
                                     "together, so they must be equally long",
                                     key, values->size(), axis.keys.front(), length));
          complete = false;
          continue;
        }
        axis.keys.push_back(key);
        axis.points.resize(length);
        for (std::size_t i = 0; i < length; ++i) axis.points[i].push_back((*values)[i]);
      }
      if (lists.empty()) report_(element, "an empty [[sweep.zip]] table; give it two or more equally long lists");
      if (complete && !axis.keys.empty()) add_axis(std::move(axis), element);
    }
  }

  void add_axis(SweepAxis axis, const toml::node& where) {
    for (const auto& key : axis.keys) {
      for (const auto& other : axes_) {
        if (std::find(other.keys.begin(), other.keys.end(), key) != other.keys.end()) {
          report_(where, fmt::format("'{}' is swept twice; give each key one list", key));
          return;
        }
      }
    }
    axes_.push_back(std::move(axis));
  }

  const SweptKeySpec& spec_for_;
  const ReportProblem& report_;
  std::vector<SweepAxis> axes_;
};

}  // namespace

std::vector<SweepAxis> read_sweep(const toml::table& sweep, const SweptKeySpec& spec_for, const ReportProblem& report) {
  return SweepReader(spec_for, report).read(sweep);
}

std::vector<std::pair<std::string, const toml::node*>> swept_lists(const toml::table& sweep) {
  std::vector<std::pair<std::string, const toml::node*>> lists;
  for (const auto& [name, node] : sweep) {
    const std::string key(name.str());
    if (key == kZip && node.is_array_of_tables()) {
      for (const auto& zipped : *node.as_array()) flatten(*zipped.as_table(), "", lists);
    } else if (const auto* nested = node.as_table()) {
      std::vector<std::pair<std::string, const toml::node*>> inner;
      flatten(*nested, key + ".", inner);
      lists.insert(lists.end(), inner.begin(), inner.end());
    } else {
      lists.emplace_back(key, &node);
    }
  }
  return lists;
}

std::optional<std::size_t> checked_sweep_points(const std::vector<SweepAxis>& axes) {
  std::optional<std::size_t> points = 1;
  for (const auto& axis : axes) {
    points = checked_multiply(*points, axis.points.size());
    if (!points) return std::nullopt;
  }
  return points;
}

std::size_t sweep_points(const std::vector<SweepAxis>& axes) {
  std::size_t points = 1;
  for (const auto& axis : axes) points *= axis.points.size();
  return points;
}

}  // namespace gcbench
