// The Amdahl fit behind `pixpool bench --workers`: synthetic speedups made
// from a known serial fraction give that fraction back.
#include "amdahl_fit.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using pixpool::cli::amdahl_speedup;
using pixpool::cli::fit_serial_fraction;
using pixpool::cli::MeasuredSpeedup;

std::vector<MeasuredSpeedup> exact_speedups(double f, std::vector<int> counts) {
    std::vector<MeasuredSpeedup> points;
    for (int n : counts) points.push_back({n, amdahl_speedup(f, n)});
    return points;
}

TEST(AmdahlFit, SpeedupFollowsTheLaw) {
    EXPECT_DOUBLE_EQ(amdahl_speedup(0.0, 4), 4.0);
    EXPECT_DOUBLE_EQ(amdahl_speedup(1.0, 4), 1.0);
    EXPECT_DOUBLE_EQ(amdahl_speedup(0.5, 2), 1.0 / 0.75);
}

TEST(AmdahlFit, RecoversTheSerialFractionOfExactSpeedups) {
    for (double f : {0.0, 0.07, 0.1, 0.35, 0.8, 1.0}) {
        auto fitted = fit_serial_fraction(exact_speedups(f, {1, 2, 4, 8}));
        ASSERT_TRUE(fitted.has_value()) << f;
        EXPECT_NEAR(*fitted, f, 1e-6) << f;
    }
    auto two_points = fit_serial_fraction(exact_speedups(0.1, {1, 2}));
    ASSERT_TRUE(two_points.has_value());
    EXPECT_NEAR(*two_points, 0.1, 1e-6);
}

TEST(AmdahlFit, NoisySpeedupsGiveTheLeastSquaresFraction) {
    // 2 workers 1.9x, 4 workers 3.1x: check the fit against a fine scan.
    const std::vector<MeasuredSpeedup> points = {{1, 1.0}, {2, 1.9}, {4, 3.1}};
    auto error = [&](double f) {
        double sum = 0;
        for (const auto& p : points) sum += std::pow(p.speedup - amdahl_speedup(f, p.workers), 2);
        return sum;
    };
    double best = 0;
    for (int i = 0; i <= 100000; ++i) {
        if (error(i / 100000.0) < error(best)) best = i / 100000.0;
    }
    auto fitted = fit_serial_fraction(points);
    ASSERT_TRUE(fitted.has_value());
    EXPECT_NEAR(*fitted, best, 2e-5);
    EXPECT_GT(*fitted, 0.0);
    EXPECT_LT(*fitted, 0.2);
}

TEST(AmdahlFit, ClampsToTheEndsOfZeroToOne) {
    // Faster than ideal: no serial part at all.
    auto superlinear = fit_serial_fraction({{1, 1.0}, {2, 2.3}, {4, 4.9}});
    ASSERT_TRUE(superlinear.has_value());
    EXPECT_EQ(*superlinear, 0.0);
    // Slower with more workers: all serial.
    auto slowdown = fit_serial_fraction({{1, 1.0}, {2, 0.8}, {4, 0.6}});
    ASSERT_TRUE(slowdown.has_value());
    EXPECT_EQ(*slowdown, 1.0);
}

TEST(AmdahlFit, NeedsACountAboveOne) {
    EXPECT_FALSE(fit_serial_fraction({}).has_value());
    EXPECT_FALSE(fit_serial_fraction({{1, 1.0}}).has_value());
}

}  // namespace
