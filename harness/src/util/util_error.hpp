// What the general helpers throw when given something they cannot work with (a
// digest name OpenSSL does not know, checksum text of the wrong form, a NUL in
// a shell word): the message names the value and what is expected. What the
// system refuses (a file that cannot be read or written, a process that cannot
// start) stays std::system_error, with errno's code.
#pragma once

#include <stdexcept>

namespace gcbench {

class UtilError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gcbench
