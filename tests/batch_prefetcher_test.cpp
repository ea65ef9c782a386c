#include <ATen/core/Tensor.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/constant_pad_nd.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/zeros.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "data/batch_prefetcher.hpp"
#include "data/image_batches.hpp"

TEST_CASE("The prefetcher yields exactly the planned batches, in order", "[data]") {
  const gcbench::ImageSet set{
      at::arange(20, at::kByte).view({20, 1, 1, 1}).expand({20, 1, 2, 2}).contiguous(), at::arange(20, at::kLong), {"a"}};
  const gcbench::ChannelStats identity{{0.0}, {1.0 / 255.0}};  // input = pixel value
  std::vector<std::int64_t> order(20);
  std::iota(order.rbegin(), order.rend(), 0);  // 19, 18, ...
  gcbench::BatchPrefetcher batches(set, identity, order, 4, 3, false, 0);
  std::vector<std::int64_t> seen;
  while (auto batch = batches.next()) {
    CHECK(batch->inputs.sizes() == at::IntArrayRef{4, 1, 2, 2});
    for (std::int64_t i = 0; i < 4; ++i) {
      seen.push_back(batch->labels[i].item<std::int64_t>());
      CHECK(batch->inputs[i][0][0][0].item<float>() == Catch::Detail::Approx(static_cast<float>(seen.back())));
    }
  }
  CHECK(seen == std::vector<std::int64_t>{19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8});
}

TEST_CASE("Batches made inline, without a thread, are the batches the thread makes", "[data]") {
  const gcbench::ImageSet set{at::randint(0, 256, {48, 3, 8, 8}, at::kByte), at::arange(48, at::kLong), {"a"}};
  std::vector<std::int64_t> order(48);
  std::iota(order.begin(), order.end(), 0);
  std::reverse(order.begin() + 10, order.end());
  gcbench::BatchPrefetcher threaded(set, {{0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}}, order, 8, 6, true, 3, true);
  gcbench::BatchPrefetcher inline_(set, {{0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}}, order, 8, 6, true, 3, false);
  int batches = 0;
  while (auto a = threaded.next()) {
    const auto b = inline_.next();
    REQUIRE(b.has_value());
    CHECK(at::equal(a->inputs, b->inputs));
    CHECK(at::equal(a->labels, b->labels));
    ++batches;
  }
  CHECK(batches == 6);
  CHECK_FALSE(inline_.next().has_value());
}

TEST_CASE("A prefetcher dropped early stops its thread cleanly", "[data]") {
  const gcbench::ImageSet set{at::zeros({64, 3, 8, 8}, at::kByte), at::zeros({64}, at::kLong), {"a"}};
  std::vector<std::int64_t> order(64);
  std::iota(order.begin(), order.end(), 0);
  gcbench::BatchPrefetcher batches(set, {{0, 0, 0}, {1, 1, 1}}, order, 8, 8, true, 0);
  CHECK(batches.next().has_value());
}

TEST_CASE("Augmentation crops and flips, fixed by its seed", "[data]") {
  const auto images = at::randint(1, 256, {16, 3, 32, 32}, at::kByte);
  const auto a = gcbench::augment(images, 5), b = gcbench::augment(images, 5), c = gcbench::augment(images, 6);
  CHECK(at::equal(a, b));
  CHECK_FALSE(at::equal(a, c));
  CHECK(a.sizes() == images.sizes());
  SECTION("each output is a shifted, maybe mirrored, window of the zero-padded input") {
    const auto padded = at::constant_pad_nd(images, {4, 4, 4, 4}, 0);
    for (std::int64_t i = 0; i < 16; ++i) {
      bool found = false;
      for (std::int64_t dy = 0; dy <= 8 && !found; ++dy) {
        for (std::int64_t dx = 0; dx <= 8 && !found; ++dx) {
          const auto window = padded[i].narrow(1, dy, 32).narrow(2, dx, 32);
          found = at::equal(a[i], window) || at::equal(a[i], window.flip({2}));
        }
      }
      CHECK(found);
    }
  }
}
