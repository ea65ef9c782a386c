// Plugin options: what a plugin declares it accepts, and the values it is given.
//
//   gcbench::option::integer("width", 64, "channels of every conv block").at_least(1)
//
// The harness checks each suite table against these declarations (name, type,
// range) before a plugin is constructed, so a plugin can read its values with
// Options::get<T> and trust them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gcbench {

enum class OptionType { boolean, integer, real, string, integer_list, real_list, string_list };

std::string_view to_string(OptionType type);

using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>, std::vector<double>,
                                 std::vector<std::string>>;

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::integer;
  OptionValue default_value;
  std::string help;
  std::optional<double> min;         // inclusive; applies to every element of a list
  std::optional<double> max;         // inclusive
  std::vector<std::string> choices;  // for strings and string lists: the allowed values, if set

  OptionSpec& at_least(double lower) {
    min = lower;
    return *this;
  }
  OptionSpec& at_most(double upper) {
    max = upper;
    return *this;
  }
  OptionSpec& one_of(std::vector<std::string> allowed) {
    choices = std::move(allowed);
    return *this;
  }
};

namespace option {
OptionSpec boolean(std::string name, bool default_value, std::string help);
OptionSpec integer(std::string name, std::int64_t default_value, std::string help);
OptionSpec real(std::string name, double default_value, std::string help);
OptionSpec string(std::string name, std::string default_value, std::string help);
OptionSpec integer_list(std::string name, std::vector<std::int64_t> default_value, std::string help);
OptionSpec real_list(std::string name, std::vector<double> default_value, std::string help);
OptionSpec string_list(std::string name, std::vector<std::string> default_value, std::string help);
}  // namespace option

// The validated values a plugin is constructed with: every declared option is
// present, with its declared type.
class Options {
 public:
  Options() = default;
  explicit Options(std::map<std::string, OptionValue> values) : values_(std::move(values)) {}

  // Throws std::invalid_argument naming the option if it is absent or of another type.
  template <class T>
  const T& get(const std::string& name) const {
    const auto& value = at(name);
    if (const T* typed = std::get_if<T>(&value)) return *typed;
    throw_wrong_type(name);
  }

  bool contains(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, OptionValue>& values() const { return values_; }

 private:
  const OptionValue& at(const std::string& name) const;
  [[noreturn]] void throw_wrong_type(const std::string& name) const;

  std::map<std::string, OptionValue> values_;
};

OptionType type_of(const OptionValue& value);

}  // namespace gcbench
