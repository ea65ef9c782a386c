#include "gcbench/sdk/options.hpp"

#include <stdexcept>

#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

std::string_view to_string(OptionType type) {
  switch (type) {
    case OptionType::boolean:
      return "boolean";
    case OptionType::integer:
      return "integer";
    case OptionType::real:
      return "real";
    case OptionType::string:
      return "string";
    case OptionType::integer_list:
      return "list of integers";
    case OptionType::real_list:
      return "list of reals";
    case OptionType::string_list:
      return "list of strings";
  }
  return "unknown";
}

std::string_view to_string(SplitRole role) {
  switch (role) {
    case SplitRole::source_train:
      return "source_train";
    case SplitRole::source_test:
      return "source_test";
    case SplitRole::target:
      return "target";
    case SplitRole::val:
      return "val";
  }
  return "unknown";
}

OptionType type_of(const OptionValue& value) {
  // The variant's alternatives are declared in OptionType's order.
  return static_cast<OptionType>(value.index());
}

namespace option {
namespace {
OptionSpec make(std::string name, OptionType type, OptionValue value, std::string help) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.default_value = std::move(value);
  spec.help = std::move(help);
  return spec;
}
}  // namespace

OptionSpec boolean(std::string name, bool value, std::string help) {
  return make(std::move(name), OptionType::boolean, value, std::move(help));
}
OptionSpec integer(std::string name, std::int64_t value, std::string help) {
  return make(std::move(name), OptionType::integer, value, std::move(help));
}
OptionSpec real(std::string name, double value, std::string help) {
  return make(std::move(name), OptionType::real, value, std::move(help));
}
OptionSpec string(std::string name, std::string value, std::string help) {
  return make(std::move(name), OptionType::string, std::move(value), std::move(help));
}
OptionSpec integer_list(std::string name, std::vector<std::int64_t> value, std::string help) {
  return make(std::move(name), OptionType::integer_list, std::move(value), std::move(help));
}
OptionSpec real_list(std::string name, std::vector<double> value, std::string help) {
  return make(std::move(name), OptionType::real_list, std::move(value), std::move(help));
}
OptionSpec string_list(std::string name, std::vector<std::string> value, std::string help) {
  return make(std::move(name), OptionType::string_list, std::move(value), std::move(help));
}
}  // namespace option

const OptionValue& Options::at(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    throw std::invalid_argument("option '" + name +
                                "' was not given and has no declaration; declare it in the plugin's PluginInfo");
  }
  return it->second;
}

void Options::throw_wrong_type(const std::string& name) const {
  throw std::invalid_argument("option '" + name + "' holds a " + std::string(to_string(type_of(at(name)))) +
                              ", not the type the plugin asked for");
}

}  // namespace gcbench
