#include "amdahl_fit.hpp"

#include <algorithm>
#include <cmath>

namespace pixpool::cli {

namespace {

double squared_error(const std::vector<MeasuredSpeedup>& points, double f) {
    double sum = 0;
    for (const MeasuredSpeedup& p : points) {
        const double miss = p.speedup - amdahl_speedup(f, p.workers);
        sum += miss * miss;
    }
    return sum;
}

}  // namespace

double amdahl_speedup(double f, double workers) { return 1.0 / (f + (1.0 - f) / workers); }

std::optional<double> fit_serial_fraction(const std::vector<MeasuredSpeedup>& points) {
    bool informative = false;
    for (const MeasuredSpeedup& p : points) informative |= p.workers > 1;
    if (!informative) return std::nullopt;

    // A coarse scan first, so the golden-section search below starts in the
    // basin of the global minimum even if the error has more than one dip.
    constexpr int kSteps = 100;
    int best = 0;
    for (int i = 1; i <= kSteps; ++i) {
        if (squared_error(points, double(i) / kSteps) < squared_error(points, double(best) / kSteps)) best = i;
    }
    double lo = std::max(0, best - 1) / double(kSteps), hi = std::min(kSteps, best + 1) / double(kSteps);
    const double ratio = (std::sqrt(5.0) - 1) / 2;
    double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    double error_a = squared_error(points, a), error_b = squared_error(points, b);
    while (hi - lo > 1e-10) {
        if (error_a < error_b) {
            hi = b, b = a, error_b = error_a;
            a = hi - ratio * (hi - lo), error_a = squared_error(points, a);
        } else {
            lo = a, a = b, error_a = error_b;
            b = lo + ratio * (hi - lo), error_b = squared_error(points, b);
        }
    }
    // The ends are candidates too: the minimum of a clamped fit sits on one.
    double f = (lo + hi) / 2;
    for (double end : {0.0, 1.0}) {
        if (squared_error(points, end) <= squared_error(points, f)) f = end;
    }
    return f;
}

}  // namespace pixpool::cli
