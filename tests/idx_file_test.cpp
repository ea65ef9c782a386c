#include <catch2/catch.hpp>

#include <fstream>

#include "idx_file.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
namespace idx = gcbench::idx;

TEST_CASE("The IDX reader returns exactly the bytes written", "[idx]") {
  TempDir dir;
  idx::ByteArray images{{3, 2, 4}, {}};
  for (int i = 0; i < 24; ++i) images.data.push_back(static_cast<std::uint8_t>(i * 10));
  SECTION("gzip'd") {
    idx::write(dir / "images.gz", images);
    const auto read = idx::read(dir / "images.gz");
    CHECK(read.dims == images.dims);
    CHECK(read.data == images.data);
  }
  SECTION("raw") {
    idx::write(dir / "images", images);
    CHECK(std::filesystem::file_size(dir / "images") == 4 + 3 * 4 + 24);
    CHECK(idx::read(dir / "images").data == images.data);
  }
}

TEST_CASE("A truncated IDX file is a clear error naming the file", "[idx]") {
  TempDir dir;
  idx::write(dir / "labels", {{100}, std::vector<std::uint8_t>(100, 3)});
  std::filesystem::resize_file(dir / "labels", 4 + 4 + 60);
  CHECK_THROWS_WITH(idx::read(dir / "labels"), Catch::Contains((dir / "labels").string()) && Catch::Contains("truncated") &&
                                                   Catch::Contains("needs 100 bytes, found 60"));
}

TEST_CASE("A cut-off gzip stream is reported, not read short", "[idx]") {
  TempDir dir;
  idx::ByteArray noise{{50, 28, 28}, {}};
  for (int i = 0; i < 50 * 28 * 28; ++i) noise.data.push_back(static_cast<std::uint8_t>((i * 7919) % 251));
  idx::write(dir / "images.gz", noise);
  std::filesystem::resize_file(dir / "images.gz", std::filesystem::file_size(dir / "images.gz") / 2);
  CHECK_THROWS_WITH(idx::read(dir / "images.gz"), Catch::Contains("images.gz"));
}

TEST_CASE("A file that is not IDX is refused", "[idx]") {
  TempDir dir;
  gcbench::testing::write_text(dir / "notes.txt", "hello, world");
  CHECK_THROWS_WITH(idx::read(dir / "notes.txt"), Catch::Contains("not an IDX file"));
  CHECK_THROWS_WITH(idx::read(dir / "missing.gz"), Catch::Contains("not found"));
}
