// A table of strings laid out in aligned columns for a terminal.
#pragma once

#include <string>
#include <vector>

namespace gcbench {

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

enum class ColumnAlign { left, right };

struct TextTableStyle {
  ColumnAlign align = ColumnAlign::right;
  std::string indent;  // before every line
  bool rule_under_header = true;
};

// Every column as wide as its widest cell, two spaces between columns, no
// trailing spaces; one line per row, each ending in '\n'.
std::string format_text_table(const TextTable& table, const TextTableStyle& style = {});

}  // namespace gcbench
