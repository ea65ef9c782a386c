#include "record/machine_identity.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <sstream>

namespace gcbench {
using nlohmann::json;

MachineIdentity machine_identity(const Provenance& p) {
  const std::string cuda = p.libtorch_cuda_version.empty() ? "" : " CUDA " + p.libtorch_cuda_version;
  return {p.cpu_model,      p.cpu_isa,
          p.math_libraries, p.thread_environment,
          p.threads,        p.libtorch_version + cuda,
          p.blas,           p.device_model.empty() ? p.device : p.device_model};
}

std::string describe(const MachineIdentity& m) {
  return fmt::format("{}, {} threads, LibTorch {}, BLAS {}, device {}", m.cpu_model.empty() ? "CPU unknown" : m.cpu_model,
                     m.threads, m.libtorch, m.blas, m.device);
}

json to_json(const MachineIdentity& m) {
  return {{"cpu_model", m.cpu_model},
          {"cpu_isa", m.cpu_isa},
          {"math_libraries", m.math_libraries ? json(*m.math_libraries) : json()},
          {"thread_environment", m.thread_environment ? json(*m.thread_environment) : json()},
          {"threads", m.threads},
          {"libtorch", m.libtorch},
          {"blas", m.blas},
          {"device", m.device}};
}

namespace {

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words{std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
  std::sort(words.begin(), words.end());
  return words;
}

// The instruction sets one side has and the other lacks: the lists are long, the difference is what matters.
std::string isa_difference(const std::string& baseline, const std::string& contender) {
  const auto a = words_of(baseline), b = words_of(contender);
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
  return fmt::format("instruction sets: only the baseline's CPU has [{}]; only the contender's, [{}]", fmt::join(only_a, " "),
                     fmt::join(only_b, " "));
}

std::string list_or_none(const std::vector<std::string>& items) {
  return items.empty() ? std::string("none") : fmt::format("{}", fmt::join(items, ", "));
}

}  // namespace

IdentityDifferences differences(const MachineIdentity& a, const MachineIdentity& b) {
  IdentityDifferences out;
  const auto plain = [&out](const char* what, const std::string& x, const std::string& y) {
    if (x != y) out.differ.push_back(fmt::format("{}: baseline {}; contender {}", what, x, y));
  };
  plain("CPU", a.cpu_model.empty() ? "not known" : a.cpu_model, b.cpu_model.empty() ? "not known" : b.cpu_model);
  if (a.cpu_isa.empty() || b.cpu_isa.empty()) {
    out.not_known.push_back("instruction sets");
  } else if (a.cpu_isa != b.cpu_isa) {
    out.differ.push_back(isa_difference(a.cpu_isa, b.cpu_isa));
  }
  const auto listed = [&out](const char* what, const auto& x, const auto& y) {
    if (!x || !y) {
      out.not_known.push_back(what);
    } else if (*x != *y) {
      out.differ.push_back(fmt::format("{}: baseline {}; contender {}", what, list_or_none(*x), list_or_none(*y)));
    }
  };
  listed("math libraries", a.math_libraries, b.math_libraries);
  listed("thread variables", a.thread_environment, b.thread_environment);
  plain("threads", std::to_string(a.threads), std::to_string(b.threads));
  plain("LibTorch", a.libtorch, b.libtorch);
  plain("LibTorch's BLAS", a.blas, b.blas);
  plain("device", a.device, b.device);
  return out;
}

}  // namespace gcbench
