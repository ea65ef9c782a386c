// The table `gcbench run` prints when a suite finishes: one row per run.
#pragma once

#include <string>
#include <vector>

#include "record/run_record.hpp"
#include "util/text_table.hpp"

namespace gcbench {

// One row per run: the header and each row's cells, as the text table, the
// report's Markdown and its HTML all show them.
using RunTable = TextTable;
RunTable run_table(const std::vector<RunRecord>& records);

// Columns: the variant (where the suite has them), each swept key, seed, status, source GC (per estimator), source and
// target NC (CDNV), test accuracy, each classifier's k-shot accuracy with its 95% CI, seconds.
std::string summary_table(const std::vector<RunRecord>& records);

}  // namespace gcbench
