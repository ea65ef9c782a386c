// The paper's claims across studies: one table, a row per claim, a column per
// study (a suite's results), each cell the study's estimate with its 95%
// interval, the verdict in the report's words, and whether that verdict holds
// on each of two disjoint halves of the seeds (a replication inside the study).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/mechanism.hpp"
#include "report/suite_results.hpp"

namespace gcbench {

struct ClaimCell {
  bool applies = false;  // the GC-penalty claim applies only to a study that sweeps training.gc_penalty
  std::string estimate;  // "+0.41 [-0.04, +0.72]", or for the penalty "at 0.01: GC -31% [...], ..."
  std::string verdict;   // "the interval excludes 0: the paper's sign", ...
  Evidence evidence = Evidence::none;
  std::string replication;  // "holds in both seed halves (seeds 0 | 1)", or what differs and how many seeds would settle it
  bool replicates = false;
};

struct ClaimsTable {
  std::vector<std::string> studies;           // suite names, in the order given
  std::vector<std::string> groups;            // which runs of each study: "variant random_splits, 3 class splits, 30 runs"
  std::vector<std::string> claims;            // the paper's claims, in words
  std::vector<std::vector<ClaimCell>> cells;  // [claim][study]
};

// The penalty key a study must sweep for the fourth claim to apply.
inline constexpr const char* kGcPenaltyKey = "training.gc_penalty";

// Of each study, the variant whose runs come from the most class splits (the
// paper's setting: random splits), runs with status ok.
ClaimsTable claims_table(const std::vector<SuiteResults>& studies);

std::string claims_markdown(const ClaimsTable& table);
// One self-contained page; only a verdict whose interval excludes 0 has a colour.
std::string claims_html(const ClaimsTable& table);

struct ClaimsFiles {
  std::filesystem::path markdown, html;
  ClaimsTable table;
};
// Reads each results folder (as `gcbench report` does) and writes claims.md and
// claims.html into out_dir.
ClaimsFiles write_claims(const std::vector<std::filesystem::path>& results, const std::filesystem::path& out_dir);

}  // namespace gcbench
