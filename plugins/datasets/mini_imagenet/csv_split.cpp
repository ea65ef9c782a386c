#include "csv_split.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>

namespace gcbench::mini_imagenet {
namespace fs = std::filesystem;

namespace {
constexpr const char* kWhere =
    "mini_imagenet reads the Ravi-Larochelle layout (train.csv, val.csv, test.csv and images/); point dataset.root "
    "at that folder or set GCBENCH_DATA";
}  // namespace

std::vector<CsvRow> read_rows(const fs::path& csv) {
  std::ifstream in(csv);
  if (!in) throw std::runtime_error(csv.string() + ": not found; " + kWhere);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line != "filename,label") throw std::runtime_error(csv.string() + ":1: expected the header 'filename,label'");
  std::vector<CsvRow> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto comma = line.find(',');
    if (comma == std::string::npos || comma == 0 || comma + 1 == line.size()) {
      throw std::runtime_error(csv.string() + ":" + std::to_string(number) + ": expected 'filename,label', got '" + line + "'");
    }
    const std::string file = line.substr(0, comma);
    if (file == "." || file == ".." || file.find('/') != std::string::npos || file.find('\\') != std::string::npos ||
        file.find('\0') != std::string::npos) {
      throw std::runtime_error(csv.string() + ":" + std::to_string(number) + ": '" + file +
                               "' is not a plain file name; every image lies directly in images/");
    }
    rows.push_back({file, line.substr(comma + 1), csv.string() + ":" + std::to_string(number)});
  }
  return rows;
}

CsvSplit read_csv(const fs::path& csv, const fs::path& images, std::int64_t per_class, std::size_t expected_classes,
                  const std::set<std::string>* expected_wnids) {
  const std::string name = csv.filename().string();
  std::vector<std::pair<std::string, std::string>> entries;
  std::vector<std::string> rows;
  for (auto& row : read_rows(csv)) {
    entries.emplace_back(row.file, row.label);
    rows.push_back(std::move(row.where));
  }
  std::map<std::string, std::int64_t> counts;
  for (const auto& entry : entries) ++counts[entry.second];
  CsvSplit split;
  for (const auto& [wnid, count] : counts) {
    if (count != per_class) {
      throw std::runtime_error(csv.string() + ": lists " + std::to_string(count) + " images of class " + wnid + ", expected " +
                               std::to_string(per_class) + "; the file is truncated or not the standard split");
    }
    if (expected_wnids && !expected_wnids->count(wnid)) {
      throw std::runtime_error(csv.string() + ": class " + wnid + " is not in the Ravi-Larochelle " + name + " split");
    }
    split.wnids.push_back(wnid);
  }
  if (split.wnids.size() != expected_classes) {
    throw std::runtime_error(csv.string() + ": has " + std::to_string(split.wnids.size()) + " classes, expected " +
                             std::to_string(expected_classes));
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    split.files.push_back(images / entries[i].first);
    split.labels.push_back(std::lower_bound(split.wnids.begin(), split.wnids.end(), entries[i].second) - split.wnids.begin());
  }
  split.rows = std::move(rows);
  return split;
}

}  // namespace gcbench::mini_imagenet
