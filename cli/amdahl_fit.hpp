#pragma once
/// Amdahl's law fitted to measured speedups: S(n) = 1 / (f + (1 - f) / n),
/// where f is the serial fraction of the work. `pixpool bench --workers`
/// prints the f that fits its timings best, and draws the curve.

#include <optional>
#include <vector>

namespace pixpool::cli {

/// One measured point: `workers` processes ran the batch `speedup` times
/// as fast as the baseline did.
struct MeasuredSpeedup {
    int workers = 1;
    double speedup = 1;
};

/// Amdahl's speedup on `workers` for serial fraction `f`.
double amdahl_speedup(double f, double workers);

/// The serial fraction f in [0, 1] that minimises the squared differences
/// between the measured speedups and amdahl_speedup(f, n) (least squares in
/// speedup, not in 1/speedup, so each point weighs what the table shows).
/// Speedups above the ideal clamp f to 0, slowdowns to 1. nullopt without a
/// point above one worker: then every f fits equally.
std::optional<double> fit_serial_fraction(const std::vector<MeasuredSpeedup>& points);

}  // namespace pixpool::cli
