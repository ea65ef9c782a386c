// A machine identity: what, beside the code, decides a run's bits, and how two
// are told apart when one side is an older record that did not say everything.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "record/machine_identity.hpp"
#include "runtime/blas_kernels.hpp"
#include "runtime/machine.hpp"
#include "support/fixtures.hpp"

TEST_CASE("Two machine identities differ in what both sides know; a field one side does not know is named apart", "[record]") {
  gcbench::Provenance known;
  known.cpu_model = "Some CPU @ 2.0GHz";
  known.threads = 2;
  known.libtorch_version = "1.13.1";
  known.blas = "open";
  known.device = "cuda:0";
  known.device_model = "NVIDIA H200";
  known.cpu_isa = "avx avx2 avx512f fma";
  known.math_libraries = std::vector<std::string>{"libblas.so.3 sha256:d7377d4e68319cb1"};
  known.thread_environment = std::vector<std::string>{};
  const auto identity = gcbench::machine_identity(known);
  CHECK(gcbench::describe(identity) == "Some CPU @ 2.0GHz, 2 threads, LibTorch 1.13.1, BLAS open, device NVIDIA H200");

  SECTION("the same machine") {
    const auto same = gcbench::differences(identity, identity);
    CHECK(same.differ.empty());
    CHECK(same.not_known.empty());
  }
  SECTION("an older record's") {
    gcbench::Provenance older = known;
    older.cpu_isa.clear();
    older.math_libraries.reset();
    older.thread_environment.reset();
    const auto found = gcbench::differences(gcbench::machine_identity(older), identity);
    CHECK(found.differ.empty());
    CHECK(found.not_known == std::vector<std::string>{"instruction sets", "math libraries", "thread variables"});
  }
  SECTION("a CPU model not known is a difference") {
    gcbench::Provenance older = known;
    older.cpu_model.clear();
    const auto found = gcbench::differences(gcbench::machine_identity(older), identity);
    REQUIRE(found.differ.size() == 1);
    CHECK(found.differ[0] == "CPU: baseline not known; contender Some CPU @ 2.0GHz");
  }
  SECTION("a CPU without AVX-512, and more threads") {
    gcbench::Provenance other = known;
    other.cpu_isa = "avx avx2 fma";
    other.threads = 4;
    const auto found = gcbench::differences(identity, gcbench::machine_identity(other));
    CHECK(found.differ ==
          std::vector<std::string>{"instruction sets: only the baseline's CPU has [avx512f]; only the contender's, []",
                                   "threads: baseline 2; contender 4"});
  }
}

TEST_CASE("OpenBLAS fallen back to a pre-AVX core is told the core of the CPU's widest vector units", "[runtime][blas]") {
  const gcbench::VectorUnits avx512{true, true, true}, avx2{true, true, false}, avx{true, false, false}, none{};
  SECTION("AVX-512 gets SkylakeX") { CHECK(gcbench::better_openblas_core("Prescott", avx512) == "SkylakeX"); }
  SECTION("AVX2 and FMA get Haswell") { CHECK(gcbench::better_openblas_core("Core2", avx2) == "Haswell"); }
  SECTION("AVX alone gets Sandybridge") { CHECK(gcbench::better_openblas_core("nehalem", avx) == "Sandybridge"); }
  SECTION("a CPU without AVX has nothing to gain") { CHECK(gcbench::better_openblas_core("Prescott", none).empty()); }
}

TEST_CASE("A core that uses AVX, a name this gcbench does not know, or no OpenBLAS, is left alone", "[runtime][blas]") {
  const gcbench::VectorUnits avx512{true, true, true};
  CHECK(gcbench::better_openblas_core("Haswell", avx512).empty());
  CHECK(gcbench::better_openblas_core("SkylakeX", avx512).empty());
  CHECK(gcbench::better_openblas_core("EmeraldRapids", avx512).empty());
  CHECK(gcbench::better_openblas_core("", avx512).empty());
}

TEST_CASE("OPENBLAS_CORETYPE, once set, is among the thread variables and silences the advice", "[runtime][blas]") {
  gcbench::testing::ScopedEnvironmentVariable coretype("OPENBLAS_CORETYPE", "Haswell");
  const auto variables = gcbench::thread_environment();
  CHECK(std::find(variables.begin(), variables.end(), "OPENBLAS_CORETYPE=Haswell") != variables.end());
  CHECK(gcbench::blas_kernel_advice().empty());
}
