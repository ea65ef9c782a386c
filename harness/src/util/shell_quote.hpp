// User text (paths, suite names, --set values) put into a command line that a
// shell will read: quoted so it stays one word and runs nothing.
#pragma once

#include <string>
#include <vector>

namespace gcbench {

// As is when made only of characters no shell treats specially, else in single
// quotes with each ' written as '\''. Refuses (UtilError) a NUL byte.
std::string shell_quote(const std::string& word);

// The words quoted and joined by spaces.
std::string shell_command(const std::vector<std::string>& words);

}  // namespace gcbench
