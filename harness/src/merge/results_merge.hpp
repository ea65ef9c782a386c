// Joins the results folders of one plan (the shards of a suite run as a Slurm
// array, or two halves of a suite) into one folder that report and compare read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gcbench {

struct MergeSummary {
  std::size_t planned = 0;
  std::size_t records = 0;           // in the merged folder, one per run id and plan place
  std::size_t duplicates = 0;        // records of a run id another folder also held
  std::vector<std::size_t> missing;  // planned runs no folder has a finished record of
  std::vector<std::string> notes;    // damaged lines skipped, duplicates that disagree
};

// Each input is a results folder (or results/<suite> for its latest). They must
// hold the same plan, else std::runtime_error lists the folders and how the
// plans differ. `out` must be new or empty. A run id's finished record wins
// over a failed or crashed one; among finished ones, the first input's. The
// runs' folders (checkpoints, record.json) are hard-linked where the file
// system allows, else copied.
MergeSummary merge_results(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out);

}  // namespace gcbench
