// The tests compare stands on, checked against values computed by hand from
// their definitions, and the step detection history stands on.
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include <cmath>

#include "stats/changepoints.hpp"
#include "stats/hodges_lehmann.hpp"
#include "stats/rank_tests.hpp"
#include "stats/welch.hpp"

using Catch::Detail::Approx;

TEST_CASE("Wilcoxon's signed-rank test gives the exact p of small samples", "[stats]") {
  SECTION("ten positive differences: only the all-positive and all-negative sign patterns are as extreme") {
    std::vector<double> d;
    for (int i = 1; i <= 10; ++i) d.push_back(0.1 * i);
    const auto result = gcbench::wilcoxon_signed_rank(d);
    CHECK(result.exact);
    CHECK(result.statistic == 55);
    CHECK(result.p_value == Approx(2.0 / 1024));
  }
  SECTION("one negative of five: W+ = 14, and 2 of 32 subsets of ranks sum to 14 or more") {
    const auto result = gcbench::wilcoxon_signed_rank({-1, 2, 3, 4, 5});
    CHECK(result.statistic == 14);
    CHECK(result.p_value == Approx(2 * 2.0 / 32));
  }
}

TEST_CASE("Wilcoxon's signed-rank test uses midranks and the tie-corrected normal approximation when values tie", "[stats]") {
  // |d| = 1,1,1,1,2,2: midranks 2.5 and 5.5, W+ = 18.5, mean 10.5,
  // variance 6*7*13/24 - (60 + 6)/48 = 21.375, z = (18.5 - 10.5 - 0.5)/sqrt(21.375).
  const auto result = gcbench::wilcoxon_signed_rank({1, 1, 1, -1, 2, 2});
  CHECK_FALSE(result.exact);
  CHECK(result.statistic == 18.5);
  const double z = 7.5 / std::sqrt(21.375);
  CHECK(result.p_value == Approx(std::erfc(z / std::sqrt(2.0))).epsilon(1e-9));
}

TEST_CASE("Wilcoxon's signed-rank test drops zero differences and has nothing to test on identical samples", "[stats]") {
  const auto result = gcbench::wilcoxon_signed_rank(std::vector<double>(600, 0.0));
  CHECK(result.n == 0);
  CHECK(result.p_value == 1.0);
}

TEST_CASE("The Hodges-Lehmann estimate is the median of the Walsh averages", "[stats]") {
  // Walsh averages of {0, 1, 5}: 0, 0.5, 1, 2.5, 3, 5; their median is (1 + 2.5) / 2.
  CHECK(gcbench::hodges_lehmann({0, 1, 5}).estimate == Approx(1.75));
  CHECK(gcbench::hodges_lehmann({3}).estimate == 3);
}

TEST_CASE("The Hodges-Lehmann interval's coverage is exact and never above what it claims to miss", "[stats]") {
  SECTION("six values: only the widest interval reaches 95% (62 of 64 sign patterns)") {
    const auto interval = gcbench::hodges_lehmann({0.3, -0.1, 0.7, 0.2, 0.4, 0.9});
    CHECK(interval.low == Approx(-0.1));
    CHECK(interval.high == Approx(0.9));
    CHECK(interval.coverage == Approx(62.0 / 64));
  }
  SECTION("five values cannot reach 95%: the widest interval, and the 30 of 32 it achieves") {
    const auto interval = gcbench::hodges_lehmann({1, 2, 3, 4, 5});
    CHECK(interval.low == 1);
    CHECK(interval.high == 5);
    CHECK(interval.coverage == Approx(30.0 / 32));
  }
  SECTION("ten values: 8 Walsh averages are cut from each end, P(T+ <= 8) = 25/1024") {
    std::vector<double> values;
    for (int i = 1; i <= 10; ++i) values.push_back(i * i);
    const auto interval = gcbench::hodges_lehmann(values);
    CHECK(interval.coverage == Approx(1 - 2 * 25.0 / 1024));
  }
}

TEST_CASE("A shift just outside the Hodges-Lehmann interval is one the signed-rank test rejects, one just inside is not",
          "[stats]") {
  const std::vector<double> values = {0.031, 0.052, -0.012, 0.044, 0.067, 0.023, 0.058, 0.015, 0.049, 0.071, 0.038, -0.004};
  const auto interval = gcbench::hodges_lehmann(values);
  const auto p_after_shift = [&](double shift) {
    std::vector<double> shifted;
    for (double v : values) shifted.push_back(v - shift);
    return gcbench::wilcoxon_signed_rank(shifted).p_value;
  };
  CHECK(interval.low < interval.estimate);
  CHECK(interval.estimate < interval.high);
  CHECK(p_after_shift(interval.low - 1e-6) < 0.05);
  CHECK(p_after_shift(interval.high + 1e-6) < 0.05);
  CHECK(p_after_shift(interval.low + 1e-6) >= 0.05);
  CHECK(p_after_shift(interval.high - 1e-6) >= 0.05);
}

TEST_CASE("The Mann-Whitney U test gives the exact p of small samples", "[stats]") {
  SECTION("complete separation of 5 and 5: 2 of the 252 arrangements are as extreme") {
    const auto result = gcbench::mann_whitney_u({10, 11, 12, 13, 14}, {1, 2, 3, 4, 5});
    CHECK(result.statistic == 25);
    CHECK(result.p_value == Approx(2.0 / 252));
  }
  SECTION("interleaved 3 and 3: U = 3, and 7 of the 20 arrangements have U <= 3") {
    const auto result = gcbench::mann_whitney_u({1, 3, 5}, {2, 4, 6});
    CHECK(result.statistic == 3);
    CHECK(result.p_value == Approx(2 * 7.0 / 20));
  }
  SECTION("one repetition each can never be significant") { CHECK(gcbench::mann_whitney_u({2}, {1}).p_value == 1.0); }
}

TEST_CASE("The mean's 95% interval is Student's t", "[stats]") {
  const auto interval = gcbench::mean_with_ci95({1, 2, 3, 4, 5});
  CHECK(interval.mean == 3);
  CHECK(interval.half_width == Approx(2.776445 * std::sqrt(2.5 / 5)).epsilon(1e-5));
}

TEST_CASE("Welch's t-test gives the t, degrees of freedom and p of unequal spreads", "[stats]") {
  // The samples A1 and A2 of Wikipedia's "Welch's t-test"; the expected values were
  // computed apart from Boost (Welch-Satterthwaite by hand, p by integrating Student's t).
  const std::vector<double> first{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  const std::vector<double> second{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  const auto result = gcbench::welch_t_test(first, second);
  CHECK(result.difference == Approx(2.1666667));
  CHECK(result.t == Approx(2.4553564));
  CHECK(result.degrees_of_freedom == Approx(24.988529));
  CHECK(result.p_value == Approx(0.021378).epsilon(1e-4));
  CHECK(result.low < result.difference);
  CHECK(result.low > 0);  // p < 0.05: the 95% interval leaves out 0
}

TEST_CASE("Welch's t-test on constant samples is sure of a difference and finds none between equal ones", "[stats]") {
  SECTION("equal") {
    const auto result = gcbench::welch_t_test({1.5, 1.5}, {1.5, 1.5, 1.5});
    CHECK(result.p_value == 1);
    CHECK(result.difference == 0);
  }
  SECTION("different") {
    const auto result = gcbench::welch_t_test({1.5, 1.5}, {2.5, 2.5});
    CHECK(result.p_value == 0);
    CHECK(result.low == 1);
  }
  SECTION("too few values") { CHECK_THROWS_AS(gcbench::welch_t_test({1.0}, {1.0, 2.0}), std::invalid_argument); }
}

TEST_CASE("A level shift beyond the noise is one step at the first point of the new level", "[stats][history]") {
  std::vector<double> series;
  for (int i = 0; i < 20; ++i) series.push_back((i < 12 ? 100.0 : 130.0) + ((i * 7) % 5 - 2));  // noise of +-2
  const auto steps = gcbench::detect_steps(series);
  REQUIRE(steps.size() == 1);
  CHECK(steps[0].index == 12);
  CHECK(steps[0].before == Approx(100).margin(2));
  CHECK(steps[0].after == Approx(130).margin(2));
}

TEST_CASE("Noise, a lone outlier and shifts under the minimum are not steps", "[stats][history]") {
  SECTION("noise") {
    std::vector<double> series;
    for (int i = 0; i < 30; ++i) series.push_back(50.0 + ((i * 13) % 7 - 3));
    CHECK(gcbench::detect_steps(series).empty());
  }
  SECTION("one outlier") { CHECK(gcbench::detect_steps({10, 10, 10, 10, 10, 10, 40, 10, 10, 10}).empty()); }
  SECTION("a 1% shift of an exact series") { CHECK(gcbench::detect_steps({1, 1, 1, 1, 1.01, 1.01, 1.01}).empty()); }
}

TEST_CASE("An exact series steps wherever it moves past the minimum", "[stats][history]") {
  const auto steps = gcbench::detect_steps({1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3});
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].index == 4);
  CHECK(steps[1].index == 8);
  CHECK(steps[1].before == 2);
  CHECK(steps[1].relative() == Approx(0.5));
}
