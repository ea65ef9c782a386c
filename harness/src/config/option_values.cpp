#include "config/option_values.hpp"

#include <fmt/format.h>

#include "config/config_error.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace gcbench {
namespace {

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a real";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "a list";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

bool in_range(double x, const OptionSpec& spec, std::string& problem) {
  if (!std::isfinite(x)) {
    problem = fmt::format("is {}, which is not a finite number", x);
    return false;
  }
  if (spec.min && x < *spec.min) {
    problem = fmt::format("is {}, below the minimum {}", x, *spec.min);
    return false;
  }
  if (spec.max && x > *spec.max) {
    problem = fmt::format("is {}, above the maximum {}", x, *spec.max);
    return false;
  }
  return true;
}

template <class T>
std::optional<T> scalar(const toml::node& node, OptionType type, const OptionSpec& spec, std::string& problem) {
  const std::string expected = fmt::format("expects {}", to_string(type));
  if constexpr (std::is_same_v<T, bool>) {
    if (auto v = node.value_exact<bool>()) return *v;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    if (auto v = node.value_exact<std::int64_t>()) {
      if (in_range(static_cast<double>(*v), spec, problem)) return *v;
      return std::nullopt;
    }
  } else if constexpr (std::is_same_v<T, double>) {
    if (node.is_number()) {
      double v = node.is_integer() ? static_cast<double>(*node.value<std::int64_t>()) : *node.value<double>();
      if (in_range(v, spec, problem)) return v;
      return std::nullopt;
    }
  } else {
    if (auto v = node.value_exact<std::string>()) {
      if (spec.choices.empty() || std::find(spec.choices.begin(), spec.choices.end(), *v) != spec.choices.end()) return *v;
      problem = fmt::format("is \"{}\"; allowed: {}", *v, fmt::join(spec.choices, ", "));
      return std::nullopt;
    }
  }
  problem = fmt::format("{}, got {}", expected, toml_type_name(node));
  return std::nullopt;
}

template <class T>
std::optional<std::vector<T>> list(const toml::node& node, const OptionSpec& spec, std::string& problem) {
  const auto* array = node.as_array();
  if (!array) {
    problem = fmt::format("expects {}, got {}", to_string(spec.type), toml_type_name(node));
    return std::nullopt;
  }
  std::vector<T> values;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const OptionType element_type = static_cast<OptionType>(static_cast<int>(spec.type) - 3);
    auto v = scalar<T>(*array->get(i), element_type, spec, problem);
    if (!v) {
      problem = fmt::format("element {} {}", i, problem);
      return std::nullopt;
    }
    values.push_back(*v);
  }
  return values;
}

}  // namespace

std::optional<OptionValue> to_option_value(const toml::node& node, const OptionSpec& spec, std::string& problem) {
  switch (spec.type) {
    case OptionType::boolean:
      return scalar<bool>(node, spec.type, spec, problem);
    case OptionType::integer:
      return scalar<std::int64_t>(node, spec.type, spec, problem);
    case OptionType::real:
      return scalar<double>(node, spec.type, spec, problem);
    case OptionType::string:
      return scalar<std::string>(node, spec.type, spec, problem);
    case OptionType::integer_list:
      return list<std::int64_t>(node, spec, problem);
    case OptionType::real_list:
      return list<double>(node, spec, problem);
    case OptionType::string_list:
      return list<std::string>(node, spec, problem);
  }
  problem = "has an option type this gcbench does not know";
  return std::nullopt;
}

namespace {
// JSON values are checked by turning them back into TOML, so both paths share one set of rules.
std::unique_ptr<toml::node> to_toml(const nlohmann::json& value) {
  if (value.is_boolean()) return std::make_unique<toml::value<bool>>(value.get<bool>());
  if (value.is_number_integer()) return std::make_unique<toml::value<std::int64_t>>(value.get<std::int64_t>());
  if (value.is_number()) return std::make_unique<toml::value<double>>(value.get<double>());
  if (value.is_string()) return std::make_unique<toml::value<std::string>>(value.get<std::string>());
  if (value.is_array()) {
    auto array = std::make_unique<toml::array>();
    for (const auto& element : value) {
      auto node = to_toml(element);
      if (!node) return nullptr;
      array->push_back(std::move(*node));
    }
    return array;
  }
  return nullptr;
}
}  // namespace

std::optional<OptionValue> to_option_value(const nlohmann::json& value, const OptionSpec& spec, std::string& problem) {
  auto node = to_toml(value);
  if (!node) {
    problem = fmt::format("expects {}, got {}", to_string(spec.type), value.dump());
    return std::nullopt;
  }
  return to_option_value(*node, spec, problem);
}

nlohmann::json to_json(const OptionValue& value) {
  return std::visit([](const auto& v) { return nlohmann::json(v); }, value);
}

nlohmann::json to_json(const toml::node& node) {
  if (const auto* table = node.as_table()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, child] : *table) object[std::string(key.str())] = to_json(child);
    return object;
  }
  if (const auto* array = node.as_array()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& child : *array) list.push_back(to_json(child));
    return list;
  }
  if (auto v = node.value_exact<bool>()) return *v;
  if (auto v = node.value_exact<std::int64_t>()) return *v;
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<std::string>()) return *v;
  std::ostringstream text;  // dates and times, as TOML writes them
  node.visit([&text](const auto& typed) { text << typed; });
  return text.str();
}

toml::table parse_assignment(const std::string& key, const std::string& value, const std::string& where) {
  if ((key + value).find_first_of("\r\n") != std::string::npos) {
    throw ConfigError({{where, "holds a line break; one assignment sets one key, on one line"}});
  }
  try {
    return toml::parse(key + " = " + value, where);
  } catch (const toml::parse_error&) {
    try {  // a bare word: the text itself, as a TOML string (JSON's escapes are valid TOML)
      return toml::parse(key + " = " + nlohmann::json(value).dump(), where);
    } catch (const toml::parse_error& error) {
      throw ConfigError({{where, fmt::format("not a TOML key: {}", error.description())}});
    } catch (const nlohmann::json::type_error&) {  // found by fuzzing: bytes that are not UTF-8
      throw ConfigError({{where, "is not UTF-8 text; suite keys and values are UTF-8"}});
    }
  }
}

std::string location_of(const toml::source_region& source) {
  std::string path = source.path ? std::string(*source.path) : std::string("<suite>");
  if (path.rfind("--set ", 0) == 0) return path;
  return fmt::format("{}:{}:{}", path, source.begin.line, source.begin.column);
}

}  // namespace gcbench
