// Results of two machine identities. Float rounding differs between machines'
// kernels, and one seed's chaotic training turns that into a new draw of every
// metric, so one run's figures say nothing of the code there. What stays
// comparable is each metric's distribution over seeds: at each variant and
// sweep point, the contender's seeds are tested against the baseline's by
// Welch's t-test (the two sides' spreads need not match), on the logarithm of
// GC and NC, which are positive and spread multiplicatively (one seed's target
// NC1 can be twice another's). Accuracy regresses when it drops with p < alpha;
// GC and NC regress when they move either way (gcbench measures them: a shift
// means the measurement or the training changed). Times compare machines and
// are not judged.
#pragma once

#include <utility>
#include <vector>

#include "compare/comparison.hpp"
#include "record/run_record.hpp"

namespace gcbench {

// Each pair is one run on both sides (a baseline record and its contender
// partner); pairs at one variant and sweep point are its seeds. A place with
// fewer than 2 ok seeds on a side gets unchanged findings that say why. A metric
// that one side has and the other lacks at some seeds (a newer gcbench's, say)
// is listed as that side's, with its mean and at how many seeds.
std::vector<Finding> judge_over_seeds(const std::vector<std::pair<const RunRecord*, const RunRecord*>>& pairs, double alpha);

}  // namespace gcbench
