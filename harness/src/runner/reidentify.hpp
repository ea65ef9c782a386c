// Run ids taken again, against this suite's plugins, for a folder a resume
// continues: a folder written by an earlier gcbench, or before a key was added
// at its default, holds the same runs under other ids, and a resume must match
// runs by what they are (config/run_identity.hpp), not by how an older
// release hashed them.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "config/suite.hpp"
#include "record/run_record.hpp"

namespace gcbench {

// plan.json's runs with run_id and training_id taken from their configs against
// the defaults of the variant each names (a variant the suite no longer has
// keeps its ids, which plan_differences then reports).
nlohmann::json reidentified_plan(const nlohmann::json& stored, const Suite& suite);

// The same for records, each against the plugin versions it ran with: a run
// made by an older major version of a plugin keeps an id of its own.
void reidentify(std::vector<RunRecord>& records, const Suite& suite);

}  // namespace gcbench
