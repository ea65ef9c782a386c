// The verdict of one contract rule on one plugin: what `gcbench check-plugin`
// and `gcbench data verify` print, one line each. It lives with the data
// because the runner, too, refuses loaded data that breaks a dataset rule.
#pragma once

#include <exception>
#include <string>

namespace gcbench {

struct CheckResult {
  std::string name;  // what was tried: "source_test holds exactly the source classes"
  bool passed = false;
  std::string detail;  // the numbers behind the verdict
  std::string rule;    // the contract rule, a stable id: "dataset.source-test-classes"
  std::string remedy;  // on failure, what the plugin author changes
};

// Runs one check of `rule`; a check that throws has failed, with the exception's message.
template <class Check>
CheckResult guarded(const std::string& name, const std::string& rule, Check&& check) {
  try {
    CheckResult result = check();
    if (result.rule.empty()) result.rule = rule;
    return result;
  } catch (const std::exception& error) {
    return {name, false, std::string("threw: ") + error.what(), rule, {}};
  }
}

}  // namespace gcbench
