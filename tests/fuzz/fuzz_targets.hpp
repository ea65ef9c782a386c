// What each fuzzer feeds its input to: one reader of untrusted files each. A
// target returns normally for any input, however broken: the reader's own
// error (ConfigError, RecordError, std::runtime_error naming the file) is the
// expected answer to bad input and is caught here; anything else (a crash, an
// uncaught exception of another type, a sanitizer report) is a finding.
// Built into the libFuzzer binaries (tests/fuzz, `bash ci/fuzz.sh`) and into
// gcbench_tests, which replays every seed and every past finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gcbench::fuzz {

// A suite file (lines starting "--set " become overrides) read with its
// includes, then validated against an empty plugin registry.
void suite_reader(const std::uint8_t* data, std::size_t size);
// An IDX file (raw or gzip'd), as the Fashion-MNIST plugin reads it.
void idx_reader(const std::uint8_t* data, std::size_t size);
// A CIFAR-100 binary batch and a label-names file.
void cifar_reader(const std::uint8_t* data, std::size_t size);
// A mini-ImageNet train.csv.
void mini_imagenet_csv(const std::uint8_t* data, std::size_t size);
// A results folder's runs.jsonl.
void records_reader(const std::uint8_t* data, std::size_t size);

struct Target {
  const char* name;
  void (*run)(const std::uint8_t*, std::size_t);
};
const std::vector<Target>& targets();

}  // namespace gcbench::fuzz
