// The general helpers of harness/src/util.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "config/config_difference.hpp"
#include "support/fixtures.hpp"
#include "util/checked_arithmetic.hpp"
#include "util/child_process.hpp"
#include "util/utf8_text.hpp"

namespace fs = std::filesystem;

TEST_CASE("Text that is UTF-8 is kept as it is; stray bytes are escaped as \\xNN and come back", "[util]") {
  SECTION("UTF-8 text, multi-byte characters included, is unchanged") {
    for (const std::string text : {"", "/data/cifar_fs", "/données/ünïcode/数据", "emoji \xF0\x9F\x98\x80"}) {
      CHECK(gcbench::is_utf8(text));
      CHECK(gcbench::escape_non_utf8(text) == text);
      CHECK(gcbench::unescape_non_utf8(text) == text);
    }
  }
  SECTION("a byte outside any UTF-8 sequence is written as \\xNN, the rest kept") {
    const std::string latin1 = "/tmp/da\xFFta/caf\xE9";
    CHECK_FALSE(gcbench::is_utf8(latin1));
    CHECK(gcbench::escape_non_utf8(latin1) == "/tmp/da\\xffta/caf\\xe9");
    CHECK(gcbench::unescape_non_utf8(gcbench::escape_non_utf8(latin1)) == latin1);
  }
  SECTION("overlong forms, surrogates and cut sequences are not UTF-8") {
    for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xF4\x90\x80\x80"}) {
      CHECK_FALSE(gcbench::is_utf8(bad));
      CHECK(gcbench::is_utf8(gcbench::escape_non_utf8(bad)));
      CHECK(gcbench::unescape_non_utf8(gcbench::escape_non_utf8(bad)) == bad);
    }
  }
}

TEST_CASE("Checked sizes say when a product or a sum does not fit", "[util]") {
  constexpr auto max = std::numeric_limits<std::size_t>::max();
  CHECK(gcbench::checked_multiply<std::size_t>(3, 4) == std::optional<std::size_t>(12));
  CHECK(gcbench::checked_multiply<std::size_t>(max, 0) == std::optional<std::size_t>(0));
  CHECK_FALSE(gcbench::checked_multiply<std::size_t>(max / 2 + 1, 2));
  CHECK(gcbench::checked_add<std::size_t>(max - 1, 1) == std::optional<std::size_t>(max));
  CHECK_FALSE(gcbench::checked_add<std::size_t>(max, 1));
}

TEST_CASE("Two configs differ in the keys whose values differ, tables followed down, lists whole", "[util][config]") {
  const nlohmann::json a = {{"training", {{"lr", 0.1}, {"epochs", 2}}}, {"measure", {{"shots", {1, 5}}}}, {"old", 1}};
  const nlohmann::json b = {{"training", {{"lr", 0.2}, {"epochs", 2}}}, {"measure", {{"shots", {1}}}}, {"new", true}};
  const auto differences = gcbench::config_differences(a, b);
  REQUIRE(differences.size() == 4);
  CHECK(differences[0].key == "measure.shots");
  CHECK(differences[1].key == "new");
  CHECK_FALSE(differences[1].first);
  CHECK(differences[2].key == "old");
  CHECK_FALSE(differences[2].second);
  CHECK(differences[3].key == "training.lr");
  CHECK(*differences[3].first == 0.1);
  CHECK(*differences[3].second == 0.2);
  CHECK(gcbench::config_differences(a, a).empty());
}

TEST_CASE("A child process runs in its folder, its output in a file, a missing program exits 127", "[util][process]") {
  gcbench::testing::TempDir dir;
  gcbench::ChildOptions options;
  options.working_directory = dir.path();
  options.output_file = dir / "out.log";
  options.search_path = true;
  const auto ran = gcbench::run_child({"sh", "-c", "pwd; echo oops >&2; exit 3"}, options);
  CHECK(ran.exit_code == std::optional<int>(3));
  const auto log = gcbench::testing::read_text(dir / "out.log");
  CHECK_THAT(log, Catch::Contains(fs::canonical(dir.path()).string()) && Catch::Contains("oops"));
  options.output_file.reset();
  const auto missing = gcbench::run_child({"gcbench-no-such-program"}, options);
  CHECK(missing.exit_code == std::optional<int>(127));
  CHECK(gcbench::describe(missing) == "exit code 127");
}
