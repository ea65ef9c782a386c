// `gcbench data fetch`: a loopback HTTP server (tests/support/archive_server.py)
// serves a CIFAR-100 binary archive in miniature; nothing needs the internet.
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "fetch/fetch_dataset.hpp"
#include "fetch/unpack.hpp"
#include "support/fixtures.hpp"
#include "util/file_digest.hpp"

extern char** environ;

namespace {
namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;
using gcbench::testing::quoted;
using gcbench::testing::read_text;
using gcbench::testing::TempDir;

// Python's http.server on 127.0.0.1 and a free port, serving `folder`.
class LoopbackServer {
 public:
  LoopbackServer(const fs::path& folder, const fs::path& scratch, std::int64_t cut_first = -1)
      : port_file_(scratch / "port"), log_file_(scratch / "requests.log") {
    const auto script = (gcbench::testing::source_dir() / "tests/support/archive_server.py").string();
    std::vector<std::string> words = {"python3", script, folder.string(), port_file_.string(), log_file_.string()};
    if (cut_first >= 0) words.insert(words.end(), {"--cut-first", std::to_string(cut_first)});
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "python3", nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start python3 for the loopback HTTP server; `bash ci/setup.sh --tests` installs it");
    }
    for (int wait = 0; wait < 200 && !fs::exists(port_file_); ++wait) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(port_file_)) throw std::runtime_error("the loopback HTTP server did not start");
    port_ = read_text(port_file_);
  }
  ~LoopbackServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::string url(const std::string& file) const { return fmt::format("http://127.0.0.1:{}/{}", port_, file); }
  std::string requests() const { return fs::exists(log_file_) ? read_text(log_file_) : ""; }

 private:
  fs::path port_file_, log_file_;
  pid_t pid_ = 0;
  std::string port_;
};

// cifar-100-binary/ in miniature (4 images per class), packed as the real release is.
fs::path make_cifar100_archive(const TempDir& dir) {
  gcbench::testing::write_cifar100_fixture(dir / "pack" / "cifar-100-binary", 4);
  fs::create_directories(dir / "served");
  const auto archive = dir / "served" / "cifar-100-binary.tar.gz";
  const auto packed =
      gcbench::testing::run_command(fmt::format("tar -czf {} -C {} cifar-100-binary", quoted(archive), quoted(dir / "pack")));
  REQUIRE(exit_code(packed) == 0);
  return archive;
}

const std::string kSmallCifarFs = "--set images_per_class=4 --set holdout_per_class=1";

std::string fetch(const fs::path& root, const std::string& more) {
  return gcbench_cli(fmt::format("data fetch cifar_fs {} {} {}", quoted(root), kSmallCifarFs, more));
}

bool holds_leftovers(const fs::path& root) {
  if (!fs::exists(root)) return false;
  for (const auto& item : fs::recursive_directory_iterator(root)) {
    const auto name = item.path().filename().string();
    if (name.find(".part") != std::string::npos || name.rfind(".gcbench-unpack", 0) == 0 ||
        name.find(".tar.gz") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// A tar with one entry of the given path, written with libarchive.
void write_tar_with_entry(const fs::path& file, const std::string& entry_path) {
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  archive_write_open_filename(writer, file.c_str());
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, entry_path.c_str());
  archive_entry_set_size(entry, 5);
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_write_header(writer, entry);
  archive_write_data(writer, "hello", 5);
  archive_entry_free(entry);
  archive_write_close(writer);
  archive_write_free(writer);
}

}  // namespace

TEST_CASE("fetch downloads an archive, checks its checksum, unpacks it and verifies the data", "[fetch]") {
  TempDir dir;
  const auto archive = make_cifar100_archive(dir);
  LoopbackServer server(dir / "served", dir.path());
  const auto out = fetch(dir / "cifar_fs", fmt::format("--url {} --sha256 {}", server.url("cifar-100-binary.tar.gz"),
                                                       gcbench::sha256_of_file(archive)));
  INFO(out);
  REQUIRE(exit_code(out) == 0);
  CHECK_THAT(out, Contains("cifar_fs: ok"));
  CHECK_THAT(out, Contains("data digest sha256:"));
  CHECK(fs::exists(dir / "cifar_fs" / "train.bin"));  // cifar-100-binary/ stripped, as the plugin reads the root
  CHECK(fs::exists(dir / "cifar_fs" / "fine_label_names.txt"));
  CHECK_FALSE(fs::exists(dir / "cifar_fs" / ".gcbench-downloads"));
  CHECK_FALSE(holds_leftovers(dir / "cifar_fs"));

  SECTION("a second fetch finds the data verified and downloads nothing") {
    const auto requests = server.requests();
    const auto again = fetch(dir / "cifar_fs", fmt::format("--url {} --sha256 {}", server.url("cifar-100-binary.tar.gz"),
                                                           gcbench::sha256_of_file(archive)));
    INFO(again);
    CHECK(exit_code(again) == 0);
    CHECK_THAT(again, Contains("already verifies; nothing to fetch"));
    CHECK(server.requests() == requests);
  }
}

TEST_CASE("fetch continues an interrupted download where it stopped", "[fetch]") {
  TempDir dir;
  const auto archive = make_cifar100_archive(dir);
  const auto checksum = gcbench::sha256_of_file(archive);

  SECTION("a transfer that breaks off is continued in the same command") {
    LoopbackServer server(dir / "served", dir.path(), 1000);
    const auto out =
        fetch(dir / "cifar_fs", fmt::format("--url {} --sha256 {}", server.url("cifar-100-binary.tar.gz"), checksum));
    INFO(out);
    REQUIRE(exit_code(out) == 0);
    CHECK_THAT(server.requests(), Contains("/cifar-100-binary.tar.gz -\n"));
    CHECK_THAT(server.requests(), Contains("/cifar-100-binary.tar.gz bytes=1000-\n"));
    CHECK(fs::exists(dir / "cifar_fs" / "train.bin"));
  }
  SECTION("a partial file an earlier command left is continued, not taken for the whole") {
    const auto downloads = dir / "cifar_fs" / ".gcbench-downloads";
    fs::create_directories(downloads);
    const auto bytes = read_text(archive);
    gcbench::testing::write_text(downloads / "cifar-100-binary.tar.gz.part", bytes.substr(0, 1234));
    LoopbackServer server(dir / "served", dir.path());
    const auto out =
        fetch(dir / "cifar_fs", fmt::format("--url {} --sha256 {}", server.url("cifar-100-binary.tar.gz"), checksum));
    INFO(out);
    REQUIRE(exit_code(out) == 0);
    CHECK_THAT(out, Contains("continuing"));
    CHECK(server.requests() == "/cifar-100-binary.tar.gz bytes=1234-\n");
    CHECK(fs::exists(dir / "cifar_fs" / "train.bin"));
  }
}

TEST_CASE("fetch refuses a download whose checksum differs and leaves nothing in place", "[fetch]") {
  TempDir dir;
  make_cifar100_archive(dir);
  LoopbackServer server(dir / "served", dir.path());
  // No --sha256: the published MD5 of the real CIFAR-100 archive, which the miniature is not.
  const auto out = fetch(dir / "cifar_fs", fmt::format("--url {}", server.url("cifar-100-binary.tar.gz")));
  INFO(out);
  CHECK(exit_code(out) == 1);
  CHECK_THAT(out, Contains("is not the expected file: its md5 is"));
  CHECK_THAT(out, Contains("03b5dce01913d631647c71ecec9e9cb8"));
  CHECK_THAT(out, Contains("nothing was unpacked"));
  CHECK_FALSE(fs::exists(dir / "cifar_fs"));  // fetch made the folder, and took it away again
}

TEST_CASE("fetch refuses a truncated archive and leaves the data folder as it was", "[fetch]") {
  TempDir dir;
  const auto archive = make_cifar100_archive(dir);
  const auto bytes = read_text(archive);
  const auto truncated = dir / "served" / "truncated.tar.gz";
  gcbench::testing::write_text(truncated, bytes.substr(0, bytes.size() / 2));
  LoopbackServer server(dir / "served", dir.path());
  const auto out = fetch(dir / "cifar_fs",
                         fmt::format("--url {} --sha256 {}", server.url("truncated.tar.gz"), gcbench::sha256_of_file(truncated)));
  INFO(out);
  CHECK(exit_code(out) == 1);
  CHECK_THAT(out, Contains("truncated.tar.gz"));
  CHECK_THAT(out, Contains("the archive is truncated or damaged"));
  CHECK_FALSE(fs::exists(dir / "cifar_fs" / "train.bin"));
  CHECK_FALSE(fs::exists(dir / "cifar_fs" / "fine_label_names.txt"));
}

TEST_CASE("fetch takes a local copy through a file:// URL", "[fetch]") {
  TempDir dir;
  const auto archive = make_cifar100_archive(dir);
  const auto out =
      fetch(dir / "cifar_fs", fmt::format("--url {} --sha256 {} --keep-archive", quoted(fs::path("file://" + archive.string())),
                                          gcbench::sha256_of_file(archive)));
  INFO(out);
  REQUIRE(exit_code(out) == 0);
  CHECK(fs::exists(dir / "cifar_fs" / "train.bin"));
  CHECK(fs::exists(dir / "cifar_fs" / ".gcbench-downloads" / "cifar-100-binary.tar.gz"));  // --keep-archive

  SECTION("and a forced second fetch uses the kept archive without downloading it again") {
    fs::remove(archive);
    const auto again =
        fetch(dir / "cifar_fs",
              fmt::format("--force --url {} --sha256 {}", quoted(fs::path("file://" + archive.string())),
                          gcbench::sha256_of_file(dir / "cifar_fs" / ".gcbench-downloads" / "cifar-100-binary.tar.gz")));
    INFO(again);
    CHECK(exit_code(again) == 0);
    CHECK_THAT(again, Contains("already downloaded"));
  }
}

TEST_CASE("fetch without a network says which file to place where", "[fetch]") {
  TempDir dir;
  // Port 1 on loopback: nothing listens, as for a host no network reaches.
  const auto out = fetch(dir / "cifar_fs", "--url http://127.0.0.1:1/cifar-100-binary.tar.gz");
  INFO(out);
  CHECK(exit_code(out) == 1);
  CHECK_THAT(out, Contains("could not reach 127.0.0.1"));
  CHECK_THAT(out, Contains("without internet"));
  CHECK_THAT(out, Contains((dir / "cifar_fs" / ".gcbench-downloads" / "cifar-100-binary.tar.gz").string()));
  CHECK_THAT(out, Contains("--url file:///path/to/cifar-100-binary.tar.gz"));
}

TEST_CASE("fetch takes an archive placed by hand where the offline message says, with no network", "[fetch]") {
  TempDir dir;
  const auto archive = make_cifar100_archive(dir);
  fs::create_directories(dir / "cifar_fs" / ".gcbench-downloads");
  fs::copy_file(archive, dir / "cifar_fs" / ".gcbench-downloads" / "cifar-100-binary.tar.gz");
  const auto out = fetch(dir / "cifar_fs", fmt::format("--url http://127.0.0.1:1/cifar-100-binary.tar.gz --sha256 {}",
                                                       gcbench::sha256_of_file(archive)));
  INFO(out);
  REQUIRE(exit_code(out) == 0);
  CHECK_THAT(out, Contains("already downloaded and its sha256 checksum matches"));
  CHECK(fs::exists(dir / "cifar_fs" / "train.bin"));
}

TEST_CASE("fetch --mirror takes every archive from a folder URL, under its own name", "[fetch]") {
  TempDir dir;
  const auto archive = make_cifar100_archive(dir);
  LoopbackServer server(dir / "served", dir.path());
  const auto mirror = server.url("");
  const auto out = fetch(dir / "cifar_fs", fmt::format("--mirror {} --sha256 {}", mirror, gcbench::sha256_of_file(archive)));
  INFO(out);
  REQUIRE(exit_code(out) == 0);
  CHECK(server.requests() == "/cifar-100-binary.tar.gz -\n");
}

TEST_CASE("fetch tells a dataset without a public download how to get it", "[fetch]") {
  TempDir dir;
  SECTION("mini_imagenet: built from ImageNet") {
    const auto out = gcbench_cli(fmt::format("data fetch mini_imagenet {}", quoted(dir / "mini")));
    CHECK(exit_code(out) == 1);
    CHECK_THAT(out, Contains("gcbench data prepare mini_imagenet ROOT --from DIR"));
  }
  SECTION("fashion_mnist: no archive declared") {
    const auto out = gcbench_cli(fmt::format("data fetch fashion_mnist {}", quoted(dir / "fm")));
    CHECK(exit_code(out) == 1);
    CHECK_THAT(out, Contains("declares no public archive"));
  }
}

TEST_CASE("checksums are sha256 or md5 in hex, and nothing else", "[fetch]") {
  CHECK(gcbench::parse_checksum("md5:03B5DCE01913D631647C71ECEC9E9CB8", "x").hex == "03b5dce01913d631647c71ecec9e9cb8");
  CHECK(gcbench::parse_checksum(std::string("sha256:") + std::string(64, 'a'), "x").algorithm == "sha256");
  for (const char* bad : {"03b5dce01913d631647c71ecec9e9cb8", "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",
                          "md5:03b5dce01913d631647c71ecec9e9cb", "md5:zzb5dce01913d631647c71ecec9e9cb8"}) {
    CHECK_THROWS_WITH(gcbench::parse_checksum(bad, "--sha256"), Contains("--sha256") && Contains("not a checksum"));
  }
}

TEST_CASE("an archive is kept under its URL's plain file name, never a path the URL makes up", "[fetch]") {
  CHECK(gcbench::archive_file_name("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz?x=1", 0) == "cifar-10-binary.tar.gz");
  CHECK(gcbench::archive_file_name("https://host/a/..", 0) == "archive-0");
  CHECK(gcbench::archive_file_name("https://host/%2e%2e%2fetc", 1) == "archive-1");
  CHECK(gcbench::archive_file_name("https://host/", 2) == "archive-2");
}

TEST_CASE("unpacking refuses an entry that would land outside the data folder", "[fetch]") {
  TempDir dir;
  for (const std::string entry : {"../escaped.txt", "/tmp/absolute.txt"}) {
    write_tar_with_entry(dir / "evil.tar", entry);
    CHECK_THROWS_WITH(gcbench::unpack_archive(dir / "evil.tar", dir / "root", 0), Contains("evil.tar") && Contains(entry));
    CHECK_FALSE(fs::exists(dir / "escaped.txt"));
    CHECK(fs::is_empty(dir / "root"));  // the temporary folder is gone too
  }
}
