#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include "measure/cdnv.hpp"



TEST_CASE("CDNV matches a hand-computed two-class example", "[nc]") {
  // Class 0: (0,0), (2,0) -> mean (1,0), Var = 1.  Class 1: (5,1), (5,-1) -> mean (5,0), Var = 1.
  // ||mu_0 - mu_1||^2 = 16, so CDNV = (1 + 1) / (2 * 16) = 1/16.
  const auto x = at::tensor({0.0, 0.0, 2.0, 0.0, 5.0, 1.0, 5.0, -1.0}).view({4, 2});
  const auto y = at::tensor(std::vector<std::int64_t>{0, 0, 1, 1});
  const auto result = gcbench::cdnv(x, y, 2);
  CHECK(result.mean == Catch::Detail::Approx(1.0 / 16.0));
  CHECK(result.pairwise[0][1].item<double>() == Catch::Detail::Approx(1.0 / 16.0));
  CHECK(result.variances[0].item<double>() == Catch::Detail::Approx(1.0));
}

TEST_CASE("CDNV averages over every class pair i < j", "[nc]") {
  // Three classes on a line, one point spread each side: Var_c = 1 for all.
  // Means at 0, 4, 10: pairs (0,1): 2/(2*16), (0,2): 2/(2*100), (1,2): 2/(2*36).
  const auto x = at::tensor({-1.0, 1.0, 3.0, 5.0, 9.0, 11.0}).view({6, 1});
  const auto y = at::tensor(std::vector<std::int64_t>{0, 0, 1, 1, 2, 2});
  const auto result = gcbench::cdnv(x, y, 3);
  CHECK(result.mean == Catch::Detail::Approx((1.0 / 16 + 1.0 / 100 + 1.0 / 36) / 3));
}

TEST_CASE("CDNV is zero for perfectly collapsed classes", "[nc]") {
  const auto x = at::tensor({1.0, 1.0, 1.0, 1.0, -1.0, 2.0, -1.0, 2.0}).view({4, 2});
  const auto y = at::tensor(std::vector<std::int64_t>{0, 0, 1, 1});
  CHECK(gcbench::cdnv(x, y, 2).mean == 0.0);
}

TEST_CASE("CDNV refuses a class with no examples", "[nc]") {
  const auto x = at::zeros({2, 3});
  const auto y = at::tensor(std::vector<std::int64_t>{0, 0});
  CHECK_THROWS_WITH(gcbench::cdnv(x, y, 2), Catch::Contains("class 1 has no examples"));
}
