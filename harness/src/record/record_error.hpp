// A record that cannot be read: the message names the field (and, from
// ResultsFolder, the file and line).
#pragma once

#include <stdexcept>

namespace gcbench {

class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gcbench
