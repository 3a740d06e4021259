#include "speedup_plot.hpp"

#include "atomic_file.hpp"  // src/: the same atomic write as every image output
#include "batch_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace fs = std::filesystem;

namespace pixpool::cli {

namespace {

/// The layout, in SVG user units: a speedup panel above an efficiency
/// panel, sharing the workers axis, and the legend on the right.
constexpr double kWidth = 730, kHeight = 500;
constexpr double kLeft = 64, kRight = 470, kLegendX = 490;
constexpr double kSpeedupTop = 60, kSpeedupBottom = 300, kEfficiencyTop = 340, kEfficiencyBottom = 450;

using Points = std::vector<std::pair<double, double>>;

std::string fixed(double value, int decimals = 1) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string tick_label(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::string escaped(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

/// Values [lo, hi] onto pixels [from, to].
struct Scale {
    double lo, hi, from, to;
    double operator()(double value) const { return from + (value - lo) / (hi - lo) * (to - from); }
};

/// 1, 2 or 5 times a power of ten, giving at most 8 ticks over `range`.
double tick_step(double range, bool whole_numbers) {
    double step = std::pow(10, std::floor(std::log10(range / 8)));
    for (double times : {1.0, 2.0, 5.0, 10.0}) {
        if (range / (step * times) <= 8) {
            step *= times;
            break;
        }
    }
    return whole_numbers ? std::max(1.0, step) : step;
}

std::string polyline(const char* kind, const Points& points, const Scale& x, const Scale& y) {
    std::string out = std::string("<polyline class=\"") + kind + "\" points=\"";
    for (const auto& [px, py] : points) out += fixed(x(px)) + "," + fixed(y(py)) + " ";
    out.back() = '"';
    return out + "/>\n";
}

std::string text(double x, double y, const std::string& body, const char* extra = "") {
    return "<text x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\"" + extra + ">" + escaped(body) + "</text>\n";
}

/// A panel's frame, grid, ticks and axis labels.
std::string axes(const Scale& x, const Scale& y, double x_step, double y_step, const std::string& y_label) {
    std::string out = "<g class=\"axes\">\n";
    for (double v = y.lo; v <= y.hi + 1e-9; v += y_step) {
        out += "<line class=\"grid\" x1=\"" + fixed(x.from) + "\" x2=\"" + fixed(x.to) + "\" y1=\"" + fixed(y(v)) +
               "\" y2=\"" + fixed(y(v)) + "\"/>\n";
        out += text(x.from - 6, y(v) + 4, tick_label(v), " text-anchor=\"end\"");
    }
    for (double v = x.lo; v <= x.hi + 1e-9; v += x_step) {
        out += "<line class=\"axis\" x1=\"" + fixed(x(v)) + "\" x2=\"" + fixed(x(v)) + "\" y1=\"" + fixed(y.from) +
               "\" y2=\"" + fixed(y.from + 5) + "\"/>\n";
        out += text(x(v), y.from + 18, tick_label(v), " text-anchor=\"middle\"");
    }
    out += "<rect class=\"axis\" x=\"" + fixed(x.from) + "\" y=\"" + fixed(y.to) + "\" width=\"" +
           fixed(x.to - x.from) + "\" height=\"" + fixed(y.from - y.to) + "\"/>\n";
    const double middle = (y.from + y.to) / 2;
    out += text(18, middle, y_label,
                (" text-anchor=\"middle\" transform=\"rotate(-90 18 " + fixed(middle) + ")\"").c_str());
    return out + "</g>\n";
}

std::string circles(const char* kind, const Points& points, const Scale& x, const Scale& y, const char* what) {
    std::string out;
    for (const auto& [workers, value] : points) {
        out += std::string("<circle class=\"") + kind + "\" cx=\"" + fixed(x(workers)) + "\" cy=\"" +
               fixed(y(value)) + "\" r=\"4\"><title>" + tick_label(workers) + " workers: " + what + " " +
               fixed(value, 2) + "</title></circle>\n";
    }
    return out;
}

/// The Amdahl curve sampled from 1 to `max_workers`, as speedup or efficiency.
Points amdahl_curve(double f, double max_workers, bool efficiency) {
    Points points;
    constexpr int kSamples = 64;
    for (int i = 0; i <= kSamples; ++i) {
        const double n = 1 + (max_workers - 1) * i / kSamples;
        points.emplace_back(n, amdahl_speedup(f, n) / (efficiency ? n : 1));
    }
    return points;
}

std::string legend(const SpeedupPlot& plot) {
    struct Entry {
        bool dot;
        const char* kind;
        std::string label;
    };
    std::vector<Entry> entries = {{true, "measured", "measured speedup"}, {false, "ideal", "ideal: speedup = workers"}};
    if (plot.serial_fraction) {
        entries.push_back({false, "amdahl", "Amdahl fit, f = " + fixed(*plot.serial_fraction, 2)});
    }
    entries.push_back({true, "efficiency", "efficiency = speedup / workers"});
    if (plot.serial_fraction) entries.push_back({false, "amdahl-efficiency", "Amdahl efficiency"});
    std::string out = "<g class=\"legend\">\n";
    double y = kSpeedupTop + 10;
    for (const Entry& e : entries) {
        // "KIND key": styled as the series, but not counted as one of its points.
        out += e.dot ? std::string("<circle class=\"") + e.kind + " key\" cx=\"" + fixed(kLegendX + 10) + "\" cy=\"" +
                           fixed(y - 4) + "\" r=\"4\"/>\n"
                     : std::string("<line class=\"") + e.kind + " key\" x1=\"" + fixed(kLegendX) + "\" x2=\"" +
                           fixed(kLegendX + 20) + "\" y1=\"" + fixed(y - 4) + "\" y2=\"" + fixed(y - 4) + "\"/>\n";
        out += text(kLegendX + 28, y, e.label);
        y += 20;
    }
    return out + "</g>\n";
}

const char* kStyle =
    "<style>\n"
    "  .grid { stroke: #e0e0e0; } .axis { stroke: #000; fill: none; }\n"
    "  .ideal, .ideal-efficiency { stroke: #888; stroke-dasharray: 6 4; fill: none; }\n"
    "  .amdahl { stroke: #d62728; stroke-width: 2; fill: none; }\n"
    "  .amdahl-efficiency { stroke: #d62728; stroke-dasharray: 2 3; fill: none; }\n"
    "  circle.measured { fill: #1f77b4; } circle.efficiency { fill: #2ca02c; }\n"
    "  polyline.efficiency { stroke: #2ca02c; fill: none; }\n"
    "</style>\n";

}  // namespace

std::string speedup_svg(const SpeedupPlot& plot) {
    Points speedups, efficiencies;
    double max_workers = 2, max_speedup = 1, max_efficiency = 1;
    for (const MeasuredSpeedup& p : plot.points) {
        speedups.emplace_back(p.workers, p.speedup);
        efficiencies.emplace_back(p.workers, p.speedup / p.workers);
        max_workers = std::max<double>(max_workers, p.workers);
        max_speedup = std::max(max_speedup, p.speedup);
        max_efficiency = std::max(max_efficiency, p.speedup / p.workers);
    }
    const double x_step = tick_step(max_workers, true);
    const double x_top = std::ceil(max_workers / x_step) * x_step;
    const double top = std::max(max_workers, max_speedup);
    const double y_step = tick_step(top, false);
    const Scale x{0, x_top, kLeft, kRight};
    const Scale speedup{0, std::ceil(top / y_step) * y_step, kSpeedupBottom, kSpeedupTop};
    const Scale efficiency{0, std::ceil(max_efficiency * 4) / 4, kEfficiencyBottom, kEfficiencyTop};

    const std::string title = "pixpool bench: " + plot.chain + " on " + std::to_string(plot.inputs) +
                              " inputs, speedup against 1 worker";
    std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                      fixed(kWidth, 0) + "\" height=\"" + fixed(kHeight, 0) + "\" viewBox=\"0 0 " + fixed(kWidth, 0) +
                      " " + fixed(kHeight, 0) + "\" font-family=\"sans-serif\" font-size=\"12\">\n<title>" +
                      escaped(title) + "</title>\n" + kStyle;
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
    svg += text(kWidth / 2, 24, title, " class=\"title\" text-anchor=\"middle\" font-size=\"14\"");
    svg += axes(x, speedup, x_step, y_step, "speedup");
    svg += polyline("ideal", {{1, 1}, {x_top, x_top}}, x, speedup);
    if (plot.serial_fraction) svg += polyline("amdahl", amdahl_curve(*plot.serial_fraction, x_top, false), x, speedup);
    svg += circles("measured", speedups, x, speedup, "speedup");
    svg += axes(x, efficiency, x_step, efficiency.hi > 1 ? 0.5 : 0.25, "efficiency");
    svg += text((kLeft + kRight) / 2, kEfficiencyBottom + 36, "workers", " text-anchor=\"middle\"");
    svg += polyline("ideal-efficiency", {{1, 1}, {x_top, 1}}, x, efficiency);
    if (plot.serial_fraction) {
        svg += polyline("amdahl-efficiency", amdahl_curve(*plot.serial_fraction, x_top, true), x, efficiency);
    }
    if (efficiencies.size() > 1) svg += polyline("efficiency", efficiencies, x, efficiency);
    svg += circles("efficiency", efficiencies, x, efficiency, "efficiency");
    return svg + legend(plot) + "</svg>\n";
}

void check_plot_path(const std::string& path) {
    std::string extension = fs::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (extension != ".svg") throw UsageError("--plot writes SVG: name the file .svg, not '" + path + "'");
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw UsageError("--plot " + path + " is a folder; name an .svg file");
    const fs::path folder = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
    if (!fs::is_directory(folder, ec)) {
        throw UsageError("--plot " + path + ": the folder " + folder.string() + " does not exist");
    }
    if (::access(folder.c_str(), W_OK) != 0) {
        throw UsageError("--plot " + path + ": cannot write in " + folder.string() + ": " + std::strerror(errno));
    }
}

void write_speedup_svg(const std::string& path, const SpeedupPlot& plot) {
    const std::string svg = speedup_svg(plot);
    if (const int error = detail::write_file_atomically(path, svg.data(), svg.size())) {
        throw std::runtime_error("cannot write the plot " + path + ": " + std::strerror(error));
    }
}

}  // namespace pixpool::cli
