// `gcbench data prepare mini_imagenet ROOT --from-imagenet DIR` on a generated
// ImageNet-like training set: class folders nXXXXXXXX/ of nXXXXXXXX_<n>.JPEG
// files (and the same packed as ILSVRC2012_img_train.tar is), and the split's
// CSVs naming images by class and 1-based index into the sorted file names.
#include <ATen/core/Tensor.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/tensor.h>
#include <fmt/format.h>
#include <turbojpeg.h>

#include <catch2/catch.hpp>

#include "area_resize.hpp"
#include "jpeg_codec.hpp"
#include "support/fixtures.hpp"

namespace {
namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;
using gcbench::testing::quoted;
using gcbench::testing::TempDir;

using gcbench::testing::imagenet_like_colour;
using gcbench::testing::imagenet_like_train_wnids;

void write_imagenet_like(const fs::path& source, const fs::path& root) {
  gcbench::testing::write_imagenet_like_fixture(source, root, {});
}

std::string prepare(const fs::path& root, const fs::path& source) {
  return gcbench_cli(
      fmt::format("data prepare mini_imagenet {} --from-imagenet {} --set images_per_class=3 "
                  "--set holdout_per_class=1",
                  quoted(root), quoted(source)));
}

at::Tensor read_image(const fs::path& file) { return gcbench::jpeg::decode_all({file}, 84, 1)[0]; }

}  // namespace

TEST_CASE("area_resize averages each output pixel's footprint, weighting partly covered pixels", "[mini_imagenet]") {
  SECTION("a 2x3 image to 2x2: rows kept, columns 1.5 wide") {
    auto image = at::tensor({0, 30, 90, 60, 60, 60}, at::kByte).reshape({2, 3, 1});
    const auto out = gcbench::mini_imagenet::area_resize(image, 2);
    // (0 + 30 / 2) / 1.5 = 10 and (30 / 2 + 90) / 1.5 = 70.
    CHECK(out.flatten().to(at::kInt).equal(at::tensor({10, 70, 60, 60}, at::kInt)));
  }
  SECTION("a 2x downscale is the mean of each 2x2 block, rounded") {
    auto image = at::tensor({0, 1, 10, 20, 2, 4, 30, 41}, at::kByte).reshape({2, 4, 1});
    image = at::cat({image, image}, 0);  // 4x4
    const auto out = gcbench::mini_imagenet::area_resize(image, 2);
    CHECK(out.flatten().to(at::kInt).equal(at::tensor({2, 25, 2, 25}, at::kInt)));
  }
}

TEST_CASE("decode_rgb converts an Adobe (inverted) CMYK JPEG, as a few ImageNet images are, to RGB", "[mini_imagenet]") {
  // Stored CMYK as Adobe writes it, 255 = no ink: C 255, M 128, Y 64, K 200 -> R 200, G 100, B 50.
  std::vector<unsigned char> cmyk(16 * 16 * 4);
  for (std::size_t i = 0; i < cmyk.size(); i += 4) {
    cmyk[i] = 255, cmyk[i + 1] = 128, cmyk[i + 2] = 64, cmyk[i + 3] = 200;
  }
  tjhandle compressor = tjInitCompress();
  unsigned char* jpeg = nullptr;
  unsigned long length = 0;
  REQUIRE(tjCompress2(compressor, cmyk.data(), 16, 0, 16, TJPF_CMYK, &jpeg, &length, TJSAMP_444, 100, 0) == 0);
  const std::vector<unsigned char> bytes(jpeg, jpeg + length);
  tjFree(jpeg);
  tjDestroy(compressor);

  const auto rgb = gcbench::jpeg::decode_rgb(bytes, "cmyk.jpg");
  REQUIRE(rgb.sizes() == at::IntArrayRef({16, 16, 3}));
  const auto mean = rgb.to(at::kFloat).mean(at::IntArrayRef{0, 1});
  CHECK(std::abs(mean[0].item().toFloat() - 200) < 3);
  CHECK(std::abs(mean[1].item().toFloat() - 100) < 3);
  CHECK(std::abs(mean[2].item().toFloat() - 50) < 3);
}

TEST_CASE("prepare builds mini-ImageNet's 84x84 images from ImageNet's class folders, then its cache", "[mini_imagenet]") {
  TempDir dir;
  write_imagenet_like(dir / "imagenet", dir / "mini");
  const auto out = prepare(dir / "mini", dir / "imagenet");
  INFO(out);
  REQUIRE(exit_code(out) == 0);
  CHECK_THAT(out, Contains("prepared 300 images of mini_imagenet"));
  CHECK_THAT(out, Contains("mini_imagenet: ok"));
  CHECK(fs::exists(dir / "mini" / ".gcbench-cache" / "mini_imagenet-train-84.u8"));

  // Index 2 of the first train class is its file _2 (the second name, sorted); index 4 is _4.
  const auto wnid = imagenet_like_train_wnids()[0];
  for (const auto& [index, number] : {std::pair<int, std::string>{1, "10"}, {2, "2"}, {4, "4"}}) {
    const auto image = read_image(dir / "mini" / "images" / fmt::format("{}{:08d}.jpg", wnid, index));
    const auto colour = imagenet_like_colour(0, number);
    for (int k = 0; k < 3; ++k) {
      INFO("index " << index << " channel " << k);
      CHECK(std::abs(image[k].to(at::kFloat).mean().item<float>() - static_cast<float>(colour[static_cast<std::size_t>(k)])) < 3);
    }
  }
}

TEST_CASE("prepare reads ImageNet's training tar of per-class tars, giving the same images", "[mini_imagenet]") {
  TempDir dir;
  write_imagenet_like(dir / "imagenet", dir / "from_folder");
  fs::create_directories(dir / "tars");
  for (const auto& item : fs::directory_iterator(dir / "imagenet")) {
    const auto wnid = item.path().filename().string();
    REQUIRE(exit_code(gcbench::testing::run_command(
                fmt::format("tar -cf {} -C {} .", quoted(dir / "tars" / (wnid + ".tar")), quoted(item.path())))) == 0);
  }
  REQUIRE(exit_code(gcbench::testing::run_command(
              fmt::format("tar -cf {} -C {} .", quoted(dir / "ILSVRC2012_img_train.tar"), quoted(dir / "tars")))) == 0);
  fs::create_directories(dir / "from_tar");
  for (const char* csv : {"train.csv", "val.csv", "test.csv"}) fs::copy_file(dir / "from_folder" / csv, dir / "from_tar" / csv);

  REQUIRE(exit_code(prepare(dir / "from_folder", dir / "imagenet")) == 0);
  const auto out = prepare(dir / "from_tar", dir / "ILSVRC2012_img_train.tar");
  INFO(out);
  REQUIRE(exit_code(out) == 0);
  for (const auto& item : fs::directory_iterator(dir / "from_folder" / "images")) {
    const auto name = item.path().filename();
    CHECK(gcbench::testing::read_text(item.path()) == gcbench::testing::read_text(dir / "from_tar" / "images" / name));
  }
}

TEST_CASE("prepare names a missing class or image and the CSV row that wants it", "[mini_imagenet]") {
  TempDir dir;
  write_imagenet_like(dir / "imagenet", dir / "mini");
  const auto wnid = gcbench::testing::mini_imagenet_test_wnids()[3];

  SECTION("an image past the class's last file") {
    fs::remove(dir / "imagenet" / wnid / (wnid + "_4.JPEG"));  // index 4 now points past the end
    const auto out = prepare(dir / "mini", dir / "imagenet");
    CHECK(exit_code(out) == 1);
    CHECK_THAT(out, Contains("test.csv:") && Contains("wants image 4 of class " + wnid) && Contains("holds 3 files"));
  }
  SECTION("a class folder") {
    fs::remove_all(dir / "imagenet" / wnid);
    const auto out = prepare(dir / "mini", dir / "imagenet");
    CHECK(exit_code(out) == 1);
    CHECK_THAT(out, Contains((dir / "imagenet" / wnid).string() + ": class folder not found") && Contains("test.csv:"));
  }
  SECTION("one of the split's CSVs, where ROOT has the others") {
    fs::remove(dir / "mini" / "val.csv");
    const auto out = prepare(dir / "mini", dir / "imagenet");
    CHECK(exit_code(out) == 1);
    CHECK_THAT(out, Contains("holds train.csv, test.csv but not val.csv") && Contains("the Ravi-Larochelle split gcbench ships"));
  }
}
