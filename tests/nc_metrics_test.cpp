#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include <cmath>

#include "measure/nc_metrics.hpp"

using Catch::Detail::Approx;

namespace {
at::Tensor labels(std::vector<std::int64_t> values) { return at::tensor(values, at::kLong); }

// Class c's examples are mean_c +- spread along one axis.
at::Tensor around(const at::Tensor& means, double spread) {
  return at::cat({means + spread, means - spread})
      .view({2, means.size(0), means.size(1)})
      .transpose(0, 1)
      .reshape({-1, means.size(1)});
}
}  // namespace

TEST_CASE("CDNV matches a hand-computed two-class example", "[nc]") {
  // Class 0: (0,0), (2,0) -> mean (1,0), Var = 1.  Class 1: (5,1), (5,-1) -> mean (5,0), Var = 1.
  // ||mu_0 - mu_1||^2 = 16, so CDNV = (1 + 1) / (2 * 16) = 1/16.
  const auto x = at::tensor({0.0, 0.0, 2.0, 0.0, 5.0, 1.0, 5.0, -1.0}).view({4, 2});
  const auto nc = gcbench::nc_metrics(x, labels({0, 0, 1, 1}), 2);
  CHECK(nc.cdnv == Approx(1.0 / 16.0));
  CHECK(nc.cdnv_pairwise[0][1].item<double>() == Approx(1.0 / 16.0));
}

TEST_CASE("CDNV averages over every class pair i < j", "[nc]") {
  // Three classes on a line, Var_c = 1 each, means at 0, 4, 10.
  const auto x = at::tensor({-1.0, 1.0, 3.0, 5.0, 9.0, 11.0}).view({6, 1});
  const auto nc = gcbench::nc_metrics(x, labels({0, 0, 1, 1, 2, 2}), 3);
  CHECK(nc.cdnv == Approx((1.0 / 16 + 1.0 / 100 + 1.0 / 36) / 3));
}

TEST_CASE("NC1 matches a hand-computed example", "[nc]") {
  // Means (1,0) and (-1,0): Sigma_B = diag(1, 0), rank 1. Within-class spread 0.5
  // along x: Sigma_W = diag(0.25, 0). NC1 = Tr(Sigma_W Sigma_B^+) / 2 = 0.25 / 2.
  const auto x = at::tensor({1.5, 0.0, 0.5, 0.0, -0.5, 0.0, -1.5, 0.0}).view({4, 2});
  const auto nc = gcbench::nc_metrics(x, labels({0, 0, 1, 1}), 2);
  CHECK(nc.nc1 == Approx(0.125));
  CHECK(nc.nc1_rank == 1);
  SECTION("spread orthogonal to the means is outside Sigma_B's range and does not count") {
    const auto y = at::tensor({1.0, 0.5, 1.0, -0.5, -1.0, 0.5, -1.0, -0.5}).view({4, 2});
    CHECK(gcbench::nc_metrics(y, labels({0, 0, 1, 1}), 2).nc1 == Approx(0.0).margin(1e-12));
  }
}

TEST_CASE("Every NC metric is zero for perfectly collapsed embeddings on a simplex ETF", "[nc]") {
  // Class means at the vertices of a regular simplex (the rows of I - 11^T/C), no spread.
  const std::int64_t classes = 4;
  const auto means = at::eye(classes, at::kDouble) - 1.0 / classes;
  const auto x = around(means, 0.0);
  const auto y = at::arange(classes, at::kLong).repeat_interleave(2);
  const auto nc = gcbench::nc_metrics(x, y, classes, means, y);
  CHECK(nc.cdnv == Approx(0.0).margin(1e-12));
  CHECK(nc.nc1 == Approx(0.0).margin(1e-12));
  CHECK(nc.nc2_equinorm == Approx(0.0).margin(1e-12));
  CHECK(nc.nc2_equiangularity == Approx(0.0).margin(1e-12));
  CHECK(nc.nc2_etf_distance == Approx(0.0).margin(1e-12));
  REQUIRE(nc.nc3.has_value());
  CHECK(*nc.nc3 == Approx(0.0).margin(1e-12));
  REQUIRE(nc.nc4.has_value());
  CHECK(*nc.nc4 == 1.0);
}

TEST_CASE("NC2 and NC3 see unequal norms, angles and a misaligned classifier", "[nc]") {
  // Centred means (2,0), (-1,1), (-1,-1): norms 2, sqrt2, sqrt2.
  const auto means = at::tensor({2.0, 0.0, -1.0, 1.0, -1.0, -1.0}).view({3, 2});
  const auto x = around(means, 0.1);
  const auto y = at::arange(3, at::kLong).repeat_interleave(2);
  const auto nc = gcbench::nc_metrics(x, y, 3, means.flip(1));
  const double mean_norm = (2 + 2 * std::sqrt(2.0)) / 3;
  const double norm_std = std::sqrt((std::pow(2 - mean_norm, 2) + 2 * std::pow(std::sqrt(2.0) - mean_norm, 2)) / 3);
  CHECK(nc.nc2_equinorm == Approx(norm_std / mean_norm));
  CHECK(nc.nc2_equiangularity > 0.1);
  CHECK(nc.nc2_etf_distance > 0.1);
  CHECK(*nc.nc3 > 0.5);
}

TEST_CASE("NC1 stays finite and non-negative with more classes than dimensions", "[nc]") {
  const std::int64_t classes = 20, dim = 5;
  const auto y = at::arange(classes, at::kLong).repeat({10});
  const auto x = at::randn({classes, dim}, at::kDouble).index_select(0, y) + 0.1 * at::randn({classes * 10, dim}, at::kDouble);
  const auto nc = gcbench::nc_metrics(x, y, classes);
  CHECK(std::isfinite(nc.nc1));
  CHECK(nc.nc1 >= 0);
  CHECK(nc.nc1_rank == dim);
}

TEST_CASE("Streaming in batches gives the same metrics as one pass", "[nc]") {
  const auto y = at::arange(6, at::kLong).repeat({50});
  const auto x = at::randn({300, 8});
  const auto whole = gcbench::nc_metrics(x, y, 6, std::nullopt, std::nullopt, 300);
  const auto batched = gcbench::nc_metrics(x, y, 6, std::nullopt, std::nullopt, 7);
  CHECK(batched.cdnv == Approx(whole.cdnv).epsilon(1e-12));
  CHECK(batched.nc1 == Approx(whole.nc1).epsilon(1e-10));
}

TEST_CASE("NC metrics refuse a class with no examples", "[nc]") {
  CHECK_THROWS_WITH(gcbench::nc_metrics(at::zeros({2, 3}), labels({0, 0}), 2), Catch::Contains("class 1 has no examples"));
}
