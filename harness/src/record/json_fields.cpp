#include "record/json_fields.hpp"

namespace gcbench {
using nlohmann::json;

JsonFields::JsonFields(const json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) {
    throw RecordError("record field '" + (path_.empty() ? std::string("(the record)") : path_) + "' is " +
                      std::string(object_.type_name()) + ", expected an object");
  }
}

const json* JsonFields::find(const std::string& name) const {
  const auto found = object_.find(name);
  return found == object_.end() ? nullptr : &*found;
}

JsonFields JsonFields::object(const std::string& name) const {
  const auto* value = find(name);
  if (!value) throw RecordError("record field '" + path_of(name) + "' is missing");
  return JsonFields(*value, path_of(name));
}

std::optional<JsonFields> JsonFields::optional_object(const std::string& name) const {
  const auto* value = find(name);
  if (!value || value->is_null()) return std::nullopt;
  return JsonFields(*value, path_of(name));
}

void JsonFields::mistyped(const json& value, const std::string& path, const char* expected) {
  throw RecordError("record field '" + path + "' is " +
                    (value.is_number_float() ? std::string("a real number") : std::string(value.type_name())) + ", expected " +
                    expected);
}

}  // namespace gcbench
