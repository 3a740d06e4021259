#pragma once
/// `pixpool bench --plot FILE.svg`: speedup and efficiency against workers,
/// with the ideal line and the Amdahl fit, as a small hand-written SVG (no
/// plotting library: a few lines, circles and labels).

#include "amdahl_fit.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pixpool::cli {

struct SpeedupPlot {
    std::string chain;                      ///< the filters, as -f gave them ("(none)" without)
    std::size_t inputs = 0;                 ///< files in the batch
    std::vector<MeasuredSpeedup> points;    ///< one per --workers count
    std::optional<double> serial_fraction;  ///< the Amdahl fit; nullopt draws no curve
};

/// The plot as an SVG document. Measured points are `<circle
/// class="measured">`, efficiency points `<circle class="efficiency">`; the
/// series are `<polyline>`s of class ideal, amdahl, efficiency and
/// amdahl-efficiency, so tests and stylesheets can find them; the legend's
/// markers are of class "KIND key".
std::string speedup_svg(const SpeedupPlot& plot);

/// Throws UsageError, before anything is timed, when `path` cannot become
/// the plot: not named .svg, a folder, or in a folder that is missing or
/// not writable.
void check_plot_path(const std::string& path);

/// Writes the SVG atomically (never a half-written plot); throws
/// std::runtime_error naming the file and the reason.
void write_speedup_svg(const std::string& path, const SpeedupPlot& plot);

}  // namespace pixpool::cli
