#include "util/text_table.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gcbench {

std::string format_text_table(const TextTable& table, const TextTableStyle& style) {
  std::vector<std::size_t> width(table.header.size());
  for (std::size_t c = 0; c < width.size(); ++c) {
    width[c] = table.header[c].size();
    for (const auto& row : table.rows) width[c] = std::max(width[c], row.at(c).size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text = style.indent;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      text += style.align == ColumnAlign::right ? fmt::format("{:>{}}  ", cells[c], width[c])
                                                : fmt::format("{:<{}}  ", cells[c], width[c]);
    }
    text.erase(text.find_last_not_of(' ') + 1);
    return text + "\n";
  };
  std::string out = line(table.header);
  if (style.rule_under_header) {
    std::size_t total = 0;
    for (auto w : width) total += w + 2;
    out += style.indent + std::string(total >= 2 ? total - 2 : 0, '-') + "\n";
  }
  for (const auto& row : table.rows) out += line(row);
  return out;
}

}  // namespace gcbench
