// Older run records brought to the current schema, one step per version, so a
// results folder written by an earlier gcbench still reports, compares and merges.
#include <fmt/format.h>

#include "config/run_identity.hpp"
#include "record/run_record.hpp"

namespace gcbench {
using nlohmann::json;

namespace {

// Schema 1 had no version field, no training identity, no word on whether the
// run itself trained its network, and only a version string per estimator.
json from_schema_1(json record) {
  if (record.contains("config") && record["config"].is_object()) {
    // Against the harness's defaults alone (no plugins here): the same for every
    // record of a folder, and a resume takes ids again against its plugins.
    record["training_id"] = training_identity(record["config"], IdentityDefaults{});
  }
  json& training = record["training"];
  if (!training.is_object()) training = json::object();
  training["trained"] = training.contains("steps") && !record.contains("reused_from");
  if (!record.contains("timings")) record["timings"] = json::object();
  if (record.contains("provenance") && record["provenance"].contains("plugins")) {
    json& estimators = record["provenance"]["plugins"]["gc_estimators"];
    if (estimators.is_object()) {
      for (auto& [name, version] : estimators.items()) {
        if (version.is_string()) version = {{"name", name}, {"version", version}};
      }
    }
  }
  record["schema_version"] = 2;
  return record;
}

// Schema 2 did not say which CPU, BLAS and compiler: "" (not known).
json from_schema_2(json record) {
  if (record.contains("provenance") && record["provenance"].is_object()) {
    for (const char* field : {"cpu_model", "blas", "compiler"}) {
      if (!record["provenance"].contains(field)) record["provenance"][field] = "";
    }
  }
  record["schema_version"] = 3;
  return record;
}

// Schema 3 ran on the CPU only.
json from_schema_3(json record) {
  if (record.contains("provenance") && record["provenance"].is_object()) {
    json& provenance = record["provenance"];
    if (!provenance.contains("device")) provenance["device"] = "cpu";
    const json cpu = provenance.value("cpu_model", json(""));
    if (!provenance.contains("device_model")) provenance["device_model"] = cpu.is_string() ? cpu : json("");
  }
  record["schema_version"] = 4;
  return record;
}

// Schema 4 did not say which data a run saw: data_digest stays absent ("", not known).
json from_schema_4(json record) {
  record["schema_version"] = 5;
  return record;
}

// Schema 5 did not say whether the LibTorch had CUDA (libtorch_cuda stays
// absent: not known) nor which device the suite asked for ("": not known).
json from_schema_5(json record) {
  if (record.contains("provenance") && record["provenance"].is_object()) {
    json& provenance = record["provenance"];
    for (const char* field : {"libtorch_cuda_version", "libtorch_cudnn_version", "device_requested", "device_fallback"}) {
      if (!provenance.contains(field)) provenance[field] = "";
    }
  }
  record["schema_version"] = 6;
  return record;
}

}  // namespace

json upgrade_record(json record) {
  if (!record.is_object()) {
    throw RecordError(fmt::format("not a run record: a JSON {} where a record (an object) belongs", record.type_name()));
  }
  int version = 1;
  if (record.contains("schema_version")) {
    const json& given = record["schema_version"];
    if (!given.is_number_integer() || given.get<std::int64_t>() < 1) {
      throw RecordError(fmt::format("record field 'schema_version' is {}, expected a positive integer", given.dump()));
    }
    if (given.get<std::int64_t>() > kRunRecordSchemaVersion) {
      throw RecordError(
          fmt::format("record schema version {} is newer than this gcbench reads (schema version {}); "
                      "read it with the gcbench that wrote it, or a newer one",
                      given.get<std::int64_t>(), kRunRecordSchemaVersion));
    }
    version = given.get<int>();
  }
  if (version == 1) record = from_schema_1(std::move(record)), version = 2;
  if (version == 2) record = from_schema_2(std::move(record)), version = 3;
  if (version == 3) record = from_schema_3(std::move(record)), version = 4;
  if (version == 4) record = from_schema_4(std::move(record)), version = 5;
  if (version == 5) record = from_schema_5(std::move(record)), version = 6;
  // Schema 6 lacks only data_sources; schema 7, the instruction sets, math
  // libraries and thread variables. Absent, they read as not known.
  if (version == 6 || version == 7) record["schema_version"] = 8;
  return record;
}

}  // namespace gcbench
