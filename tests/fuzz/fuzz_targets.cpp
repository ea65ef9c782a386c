#include "fuzz_targets.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cifar_binary.hpp"
#include "config/config_error.hpp"
#include "config/suite.hpp"
#include "csv_split.hpp"
#include "idx_file.hpp"
#include "plugins/plugin_registry.hpp"
#include "record/results_folder.hpp"

namespace gcbench::fuzz {
namespace fs = std::filesystem;

namespace {

// A private folder per process, emptied for each input.
const fs::path& scratch() {
  static const fs::path dir = [] {
    auto path = fs::temp_directory_path() / ("gcbench-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(path);
    return path;
  }();
  for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
  return dir;
}

void write(const fs::path& file, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// The readers' own answers to bad input.
template <class F>
void expecting_errors(F&& read) {
  try {
    read();
  } catch (const ConfigError&) {
  } catch (const RecordError&) {
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

void suite_reader(const std::uint8_t* data, std::size_t size) {
  const fs::path dir = scratch();
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  std::string suite, line;
  std::vector<Override> overrides;
  std::vector<std::string> override_texts;
  while (std::getline(lines, line)) {
    if (line.rfind("--set ", 0) == 0) {
      override_texts.push_back(line.substr(6));
    } else {
      suite += line + "\n";
    }
  }
  const std::uint8_t* text = reinterpret_cast<const std::uint8_t*>(suite.data());
  write(dir / "suite.toml", text, suite.size());
  write(dir / "base.toml", text, suite.size());  // so `include = "base.toml"` finds something
  expecting_errors([&] {
    for (const auto& override : override_texts) overrides.push_back(parse_override(override));
    read_suite_table(dir / "suite.toml", overrides);
    static const PluginRegistry no_plugins;
    validate_suite(dir / "suite.toml", overrides, no_plugins);
  });
}

void idx_reader(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scratch() / "train-images-idx3-ubyte.gz";
  write(file, data, size);
  expecting_errors([&] { idx::read(file); });
}

void cifar_reader(const std::uint8_t* data, std::size_t size) {
  const fs::path dir = scratch();
  write(dir / "train.bin", data, size);
  write(dir / "names.txt", data, size);
  expecting_errors([&] { cifar::read(dir / "train.bin", 2, 100, 0, "get CIFAR-100"); });
  expecting_errors([&] { cifar::read_names(dir / "names.txt", 3, "get CIFAR-100"); });
}

void mini_imagenet_csv(const std::uint8_t* data, std::size_t size) {
  const fs::path dir = scratch();
  write(dir / "train.csv", data, size);
  expecting_errors([&] { mini_imagenet::read_csv(dir / "train.csv", dir / "images", 2, 2, nullptr); });
}

void records_reader(const std::uint8_t* data, std::size_t size) {
  const fs::path dir = scratch();
  write(dir / "runs.jsonl", data, size);
  write(dir / "plan.json", data, size);
  expecting_errors([&] {
    const auto folder = ResultsFolder::open(dir);
    folder.read_records();
    folder.read_plan();
  });
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {{"suite_reader", suite_reader},
                                          {"idx_reader", idx_reader},
                                          {"cifar_reader", cifar_reader},
                                          {"mini_imagenet_csv", mini_imagenet_csv},
                                          {"records_reader", records_reader}};
  return all;
}

}  // namespace gcbench::fuzz
