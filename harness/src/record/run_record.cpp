#include "record/run_record.hpp"

#include <fmt/format.h>

#include <type_traits>

#include "record/json_fields.hpp"
#include "record/record_fields.hpp"

namespace gcbench {
using nlohmann::json;

std::string to_string(RunStatus status) {
  switch (status) {
    case RunStatus::ok:
      return "ok";
    case RunStatus::diverged:
      return "diverged";
    case RunStatus::failed:
      return "failed";
    case RunStatus::crashed:
      return "crashed";
  }
  return "?";
}

bool is_finished(RunStatus status) { return status == RunStatus::ok || status == RunStatus::diverged; }

namespace {

RunStatus status_from(const std::string& text) {
  for (auto status : {RunStatus::ok, RunStatus::diverged, RunStatus::failed, RunStatus::crashed}) {
    if (to_string(status) == text) return status;
  }
  throw RecordError(fmt::format("record field 'status' is \"{}\", expected ok, diverged, failed or crashed", text));
}

// Whether T is a part of the record with its own field list.
template <class T, class = void>
struct is_part : std::false_type {};
template <class T>
struct is_part<T, std::void_t<decltype(sizeof(Fields<T>))>> : std::true_type {};

template <class T>
struct is_map : std::false_type {};
template <class K, class V>
struct is_map<std::map<K, V>> : std::true_type {};

// A list of parts (a scalar list is plain JSON).
template <class T>
struct is_part_list : std::false_type {};
template <class V>
struct is_part_list<std::vector<V>> : is_part<V> {};

template <class T>
bool is_default(const T& value) {
  if constexpr (std::is_arithmetic_v<T>) {
    return value == T{};
  } else {
    return value.empty();  // strings, maps, vectors
  }
}

// Writes the fields Fields<T> lists into a JSON object.
class JsonWriter {
 public:
  explicit JsonWriter(json& out) : out_(out) {}

  template <class T>
  static json value_of(const T& value) {
    if constexpr (is_part<T>::value) {
      json object = json::object();
      JsonWriter writer(object);
      Fields<T>::visit(writer, value);
      return object;
    } else if constexpr (std::is_same_v<T, RunStatus>) {
      return to_string(value);
    } else if constexpr (is_map<T>::value) {
      json object = json::object();
      for (const auto& [key, item] : value) {
        if constexpr (std::is_same_v<typename T::key_type, std::string>) {
          object[key] = value_of(item);
        } else {
          object[std::to_string(key)] = value_of(item);
        }
      }
      return object;
    } else if constexpr (is_part_list<T>::value) {
      json list = json::array();
      for (const auto& item : value) list.push_back(value_of(item));
      return list;
    } else {
      return json(value);
    }
  }

  template <class T>
  void required(const char* name, const T& value) {
    out_[name] = value_of(value);
  }
  template <class T>
  void defaulted(const char* name, const T& value) {
    out_[name] = value_of(value);
  }
  template <class T>
  void unless_default(const char* name, const T& value) {
    if (!is_default(value)) out_[name] = value_of(value);
  }
  template <class T>
  void optional(const char* name, const std::optional<T>& value) {
    if (value) out_[name] = value_of(*value);
  }
  template <class T>
  void nullable(const char* name, const std::optional<T>& value) {
    out_[name] = value ? value_of(*value) : json();
  }
  template <class F>
  void group(const char* name, F&& fields) {
    json object = json::object();
    JsonWriter writer(object);
    fields(writer);
    out_[name] = object;
  }

 private:
  json& out_;
};

// Reads the fields Fields<T> lists from a JSON object; every problem names the field's path.
class JsonReader {
 public:
  explicit JsonReader(JsonFields in) : in_(std::move(in)) {}

  // The value of `name` in `parent`, which holds it.
  template <class T>
  static T read(const JsonFields& parent, const std::string& name) {
    if constexpr (is_part<T>::value) {
      T value{};
      JsonReader reader(parent.object(name));
      Fields<T>::visit(reader, value);
      return value;
    } else if constexpr (std::is_same_v<T, RunStatus>) {
      return status_from(parent.required<std::string>(name));
    } else if constexpr (is_map<T>::value) {
      const JsonFields object = parent.object(name);
      T map;
      for (const auto& [key, unused] : object.object().items()) {
        if constexpr (std::is_same_v<typename T::key_type, std::string>) {
          map[key] = read<typename T::mapped_type>(object, key);
        } else {
          typename T::key_type number{};
          try {
            std::size_t used = 0;
            number = static_cast<typename T::key_type>(std::stoll(key, &used));
            if (used != key.size()) throw std::invalid_argument(key);
          } catch (const std::exception&) {
            throw RecordError("record field '" + object.path_of(key) + "' is not a shot count");
          }
          map[number] = read<typename T::mapped_type>(object, key);
        }
      }
      return map;
    } else if constexpr (is_part_list<T>::value) {
      const auto found = parent.object().find(name);
      if (found == parent.object().end()) throw RecordError("record field '" + parent.path_of(name) + "' is missing");
      const json& list = *found;
      if (!list.is_array()) throw RecordError("record field '" + parent.path_of(name) + "' is not a list");
      T items;
      for (std::size_t i = 0; i < list.size(); ++i) {
        typename T::value_type item{};
        JsonReader reader(JsonFields(list[i], parent.path_of(fmt::format("{}[{}]", name, i))));
        Fields<typename T::value_type>::visit(reader, item);
        items.push_back(std::move(item));
      }
      return items;
    } else if constexpr (std::is_same_v<T, json>) {
      return parent.object(name).object();
    } else {
      return parent.required<T>(name);
    }
  }

  template <class T>
  void required(const char* name, T& value) {
    value = read<T>(in_, name);
  }
  template <class T>
  void defaulted(const char* name, T& value) {
    if (present(name)) value = read<T>(in_, name);
  }
  template <class T>
  void unless_default(const char* name, T& value) {
    defaulted(name, value);
  }
  template <class T>
  void optional(const char* name, std::optional<T>& value) {
    value = present(name) ? std::optional<T>(read<T>(in_, name)) : std::nullopt;
  }
  template <class T>
  void nullable(const char* name, std::optional<T>& value) {
    optional(name, value);
  }
  template <class F>
  void group(const char* name, F&& fields) {
    JsonReader reader(in_.object(name));
    fields(reader);
  }

 private:
  bool present(const char* name) const {
    const auto& object = in_.object();
    const auto found = object.find(name);
    return found != object.end() && !found->is_null();
  }

  JsonFields in_;
};

}  // namespace

json to_json(const RunRecord& record) { return JsonWriter::value_of(record); }

RunRecord run_record_from_json(const json& given) {
  const json upgraded = upgrade_record(given);
  RunRecord record;
  const JsonFields in(upgraded, "");
  JsonReader reader(in);
  Fields<RunRecord>::visit(reader, record);
  return record;
}

}  // namespace gcbench
