// Reading a JSON object field by field, with every problem naming the field's
// dotted path ("metrics.source.gc.exact.value is missing"), where nlohmann's own
// errors name no field.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "record/record_error.hpp"

namespace gcbench {

class JsonFields {
 public:
  // Throws RecordError when `object` is not a JSON object.
  JsonFields(const nlohmann::json& object, std::string path);

  template <class T>
  T required(const std::string& name) const {
    const auto* value = find(name);
    if (!value) throw RecordError("record field '" + path_of(name) + "' is missing");
    return convert<T>(*value, path_of(name));
  }

  // Absent and null are both "none".
  template <class T>
  std::optional<T> optional(const std::string& name) const {
    const auto* value = find(name);
    if (!value || value->is_null()) return std::nullopt;
    return convert<T>(*value, path_of(name));
  }

  template <class T>
  T value_or(const std::string& name, T fallback) const {
    return optional<T>(name).value_or(std::move(fallback));
  }

  JsonFields object(const std::string& name) const;
  std::optional<JsonFields> optional_object(const std::string& name) const;  // absent or null: none
  const nlohmann::json& object() const { return object_; }
  std::string path_of(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }

 private:
  const nlohmann::json* find(const std::string& name) const;

  template <class T>
  static T convert(const nlohmann::json& value, const std::string& path) {
    if constexpr (std::is_same_v<T, bool>) {
      if (value.is_boolean()) return value.get<bool>();
      mistyped(value, path, "true or false");
    } else if constexpr (std::is_integral_v<T>) {
      if (value.is_number_integer() && (std::is_signed_v<T> || value.get<std::int64_t>() >= 0)) return value.get<T>();
      mistyped(value, path, std::is_signed_v<T> ? "an integer" : "a non-negative integer");
    } else if constexpr (std::is_floating_point_v<T>) {
      if (value.is_number()) return value.get<T>();
      if (value.is_null()) return std::nan("");  // JSON has no NaN; the writer turns one into null
      mistyped(value, path, "a number");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (value.is_string()) return value.get<std::string>();
      mistyped(value, path, "a string");
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
      return value;
    } else {  // std::vector<U>
      if (!value.is_array()) mistyped(value, path, "a list");
      T out;
      for (std::size_t i = 0; i < value.size(); ++i) {
        out.push_back(convert<typename T::value_type>(value[i], path + "[" + std::to_string(i) + "]"));
      }
      return out;
    }
  }

  [[noreturn]] static void mistyped(const nlohmann::json& value, const std::string& path, const char* expected);

  const nlohmann::json& object_;
  std::string path_;
};

}  // namespace gcbench
